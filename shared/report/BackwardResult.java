package report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import backprop.GradientCheck.Compared;
import io.Format;

/**
 * The gradient check of the hand-written backward pass (exercise 2, step 3): per parameter, how far the hand-written
 * gradient is from ND4J's automatic differentiation and from central finite differences, and the verdict.
 *
 * @param hidden    H, the hidden units
 * @param init      where the weights came from, e.g. {@code He-normal init, seed 0}
 * @param samples   how many training points the loss averages over
 * @param loss      the loss at those weights (float64)
 * @param eps       the finite-difference step
 * @param threshold the largest relative error that passes
 * @param checks    one row per parameter, W1, b1, W2, b2: its gradient against autodiff and finite differences
 * @param gradsFile the hand-written gradients as .npz (--grads-out), or null
 * @param kinks     hidden units whose pre-activation lies within eps of ReLU's kink for some sample: a central difference
 *                  of their W1 and b1 entries straddles the kink and measures no derivative, so they are left out of the
 *                  finite-difference comparison (cs231n's "kinks"); autodiff still compares every entry
 */
public record BackwardResult(int hidden, String init, int samples, double loss, double eps, double threshold, List<Compared> checks,
        Path gradsFile, int kinks) implements StepResult {
    @Override
    public String step() {
        return "backward";
    }

    @Override
    public List<Path> files() {
        return gradsFile == null ? List.of() : List.of(gradsFile);
    }

    /** Every gradient within the threshold of both references. */
    public boolean passed() {
        return checks.stream().allMatch(c -> c.passed(threshold));
    }

    /** The answer of the step, PASS or FAIL with what it means: the console and report.md say it in these words. */
    public String verdict() {
        String limit = String.format(Locale.ROOT, "%.0e", threshold);
        return passed()
                ? "PASS: every relative error is at most " + limit + ", so the hand-written gradients agree with ND4J's automatic "
                        + "differentiation and with central finite differences."
                : "FAIL: a relative error exceeds " + limit + ", so the hand-written gradients disagree with autodiff or finite "
                        + "differences beyond the threshold: the backward pass has a bug.";
    }

    /** e.g. {@code gradient check of x -> Linear(2, 64) -> ... -> CE, 800 samples, float64, loss 0.6931471806}. */
    public String settings() {
        return String.format(Locale.ROOT, "gradient check of x -> Linear(2, %d) -> ReLU -> Linear(%d, 2) -> softmax -> CE (%s), "
                + "%d samples, float64, loss %.10f", hidden, hidden, init, samples, loss);
    }

    /** How the errors are measured and when the check fails. */
    public String method() {
        return String.format(Locale.ROOT, "rel error = ||hand - other||_2 / max(||hand||_2, ||other||_2); fail above %.0e", threshold)
                + (kinks == 0 ? "" : String.format(Locale.ROOT, "; %d of %d hidden units have a pre-activation within eps of ReLU's kink "
                + "for some sample, so a central difference of their W1 and b1 entries straddles the kink: those are left out of the "
                + "finite-difference comparison", kinks, hidden));
    }

    /** What the step prints: settings, method, the table and the verdict. */
    public String text() {
        var s = new StringBuilder(settings()).append('\n').append(method()).append('\n');
        s.append(String.format(Locale.ROOT, "%-6s %-9s | %-26s | %-26s%n", "", "", "vs SameDiff autodiff", "vs central diff. (eps " + eps + ")"));
        s.append(String.format(Locale.ROOT, "%-6s %-9s | %-12s %-13s | %-12s %-13s%n", "param", "shape", "max |diff|", "rel error",
                "max |diff|", "rel error"));
        for (Compared c : checks) {
            s.append(String.format(Locale.ROOT, "%-6s %-9s | %-12.3e %-13.3e | %-12.3e %-13.3e%n", c.gradient(),
                    Arrays.toString(c.shape()).replace(" ", ""), c.autodiffMaxDiff(), c.autodiffError(), c.numericMaxDiff(), c.numericError()));
        }
        return s.append(verdict()).append('\n').toString();
    }

    @Override
    public void markdown(Markdown md) {
        md.paragraph(settings().replace("->", "→") + ".");
        md.paragraph(method() + ".");
        var rows = new ArrayList<List<String>>();
        for (Compared c : checks) {
            rows.add(List.of("`" + c.gradient() + "`", Arrays.toString(c.shape()), Format.scientific(c.autodiffMaxDiff()),
                    Format.scientific(c.autodiffError()), Format.scientific(c.numericMaxDiff()), Format.scientific(c.numericError())));
        }
        md.table(List.of("gradient", "shape", "max abs diff vs autodiff", "rel. error vs autodiff", "max abs diff vs finite diff.",
                "rel. error vs finite diff."), rows);
        md.paragraph("**" + verdict() + "**");
        if (gradsFile != null) md.paragraph("The hand-written gradients: " + md.link(gradsFile) + ".");
    }

    @Override
    public String toString() {
        return "BackwardResult[" + (passed() ? "PASS" : "FAIL") + ", H " + hidden + ", " + samples + " samples, " + checks + "]";
    }
}
