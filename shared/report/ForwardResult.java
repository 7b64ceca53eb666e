package report;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the forward pass of a small batch gave (exercise 2, step 2): the batch, every intermediate with its formula,
 * shape and values, and the loss.
 *
 * @param hidden     H, the hidden units
 * @param init       where the weights came from, e.g. {@code He-normal init, seed 0}
 * @param labels     y, the batch's labels
 * @param quantities X, then a1, h1, a2, p in the order the pass computes them
 * @param loss       the mean cross-entropy of the batch (from the logits a2, with log-sum-exp)
 */
public record ForwardResult(int hidden, String init, int[] labels, List<Quantity> quantities, double loss) implements StepResult {
    /** One array of the pass: its name ({@code a1}), formula ({@code X W1^T + b1}), shape and values (row by row). */
    public record Quantity(String name, String formula, long[] shape, double[][] values) {
        /** {@code a1 = X W1^T + b1}, or the bare name when there is no formula. */
        public String label() {
            return formula.isEmpty() ? name : name + " = " + formula;
        }

        /** The values as rows of fixed-width numbers, 4 decimals. */
        public String valuesText() {
            return Arrays.stream(values).map(row -> Arrays.stream(row).mapToObj(v -> String.format(Locale.ROOT, "%8.4f", v))
                    .collect(Collectors.joining(", ", "[", "]"))).collect(Collectors.joining(",\n ", "[", "]"));
        }

        @Override
        public String toString() {
            return label() + "  shape " + Arrays.toString(shape);
        }
    }

    @Override
    public String step() {
        return "forward";
    }

    @Override
    public List<Path> files() {
        return List.of();
    }

    public int batch() {
        return labels.length;
    }

    /** The quantity called {@code name} (X, a1, h1, a2, p). */
    public Quantity quantity(String name) {
        return quantities.stream().filter(q -> q.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no quantity " + name + " in " + quantities));
    }

    /** e.g. {@code x -> Linear(2, 64) -> ReLU -> Linear(64, 2) -> softmax -> CE (He-normal init, seed 0), the first 4 training points}. */
    public String settings() {
        return String.format(Locale.ROOT, "x -> Linear(2, %d) -> ReLU -> Linear(%d, 2) -> softmax -> CE (%s), the first %d training points",
                hidden, hidden, init, batch());
    }

    /** {@code L = -(1/4) sum_i log p[i, y_i] = 0.693147}. */
    public String lossLine() {
        return String.format(Locale.ROOT, "L = -(1/%d) sum_i log p[i, y_i] = %.6f", batch(), loss);
    }

    /** What the step prints: the settings, every quantity with its shape and values, the labels and the loss. */
    public String text() {
        var s = new StringBuilder(settings()).append("\n\n");
        for (Quantity q : quantities) {
            s.append(q).append('\n').append(q.valuesText()).append("\n\n");
            if (q.name().equals("X")) s.append("y = ").append(Arrays.toString(labels)).append("\n\n");
        }
        return s.append(lossLine()).append('\n').toString();
    }

    @Override
    public void markdown(Markdown md) {
        md.paragraph("Settings: " + settings().replace("->", "→") + ".");
        md.paragraph("Every intermediate of the forward pass and its shape:");
        md.table(List.of("quantity", "formula", "shape"), quantities.stream()
                .map(q -> List.of("`" + q.name() + "`", q.formula().isEmpty() ? "" : "`" + q.formula() + "`", Arrays.toString(q.shape()))).toList());
        md.paragraph("Loss: `" + lossLine() + "`, computed from the logits a2 with the log-sum-exp, never as log p.");
        md.paragraph("<details><summary>The values</summary>");
        md.code(text());
        md.paragraph("</details>");
    }

    /** e.g. {@code ForwardResult[batch 4, H 64, X [4, 2], a1 [4, 64], ..., loss 0.693147]}: shapes, not values. */
    @Override
    public String toString() {
        return "ForwardResult[batch " + batch() + ", H " + hidden + ", " + quantities.stream()
                .map(q -> q.name() + " " + Arrays.toString(q.shape())).collect(Collectors.joining(", "))
                + String.format(Locale.ROOT, ", loss %.6f]", loss);
    }
}
