package report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.Format;
import nn.PyTorchReference;
import nn.Training;

/**
 * What the lecture step found: its settings, every epoch's loss and accuracies, the trained net's numbers, how many of
 * its two latent units died, and the files it wrote. {@link #check()} answers the sheet's "verify that the results are
 * as expected" against PyTorch's seeds ({@link PyTorchReference}).
 *
 * @param seed the torch seed of the initial weights, or null when they came from {@code --init}
 * @param lectureSetup whether everything but the epoch count is the lecture's (data, net, SGD), so that PyTorch's
 *     seeds are the yardstick
 */
public record LectureResult(String settings, Long seed, boolean lectureSetup, int lectureEpochs, Training.History history,
        double trainLoss, double trainAccuracy, double testAccuracy, int deadLatentUnits, List<Path> files) implements StepResult {

    @Override
    public String step() {
        return "lecture";
    }

    public int epochs() {
        return history.epochs().size();
    }

    /** The final line of the run: the net after its last update. */
    public String finalLine() {
        return String.format(Locale.ROOT, "final: loss %.4f, train acc %s, test acc %s", trainLoss, Format.percent(trainAccuracy),
                Format.percent(testAccuracy));
    }

    /** "Verify that the results are as expected": this run against what PyTorch gives for the lecture's setup. */
    public String check() {
        String dead = deadLatentUnits == 0 ? "" : String.format(Locale.ROOT,
                " %d of the 2 latent units are dead (off for every training point): (almost) no gradient passes back through them.",
                deadLatentUnits);
        String test = "test accuracy " + Format.percent(testAccuracy);
        if (!lectureSetup) {
            return "Not the lecture's setup (see the settings), so PyTorch's seeds are no yardstick: " + test + "." + dead;
        }
        double torch = seed == null ? Double.NaN : PyTorchReference.testAccuracy(seed);
        String same = Double.isNaN(torch) ? "" : String.format(Locale.ROOT, " PyTorch from the same initial weights (seed %d) ends at %s.",
                seed, Format.percent(torch));
        String epochsNote = epochs() == lectureEpochs ? "" : String.format(Locale.ROOT,
                " (PyTorch's numbers are for %d epochs; this run had %d, so it may not have converged.)", lectureEpochs, epochs());
        String reference = " " + PyTorchReference.summary() + ".";
        if (PyTorchReference.atChance(testAccuracy)) {
            return "Stuck at chance (" + test + "), as " + PyTorchReference.stuckSeeds() + " of PyTorch's " + PyTorchReference.seeds()
                    + " seeds are: another --seed should learn." + dead + same + reference + epochsNote;
        }
        boolean asExpected = testAccuracy >= PyTorchReference.worstLearned() - 0.02;
        return (asExpected ? "As expected: " : "Lower than PyTorch's range: ") + test + " after " + epochs() + " epochs." + same
                + reference + epochsNote + dead;
    }

    @Override
    public List<Path> files() {
        return files;
    }

    @Override
    public void markdown(Markdown md) {
        md.paragraph("Settings: `" + settings + "`");
        var rows = new ArrayList<List<String>>();
        List<Training.Epoch> epochs = history.epochs();
        for (int i : Markdown.sample(epochs.size(), 10)) {
            Training.Epoch e = epochs.get(i);
            rows.add(List.of(Integer.toString(e.epoch()), Format.number(e.loss()), Format.percent(e.trainAccuracy()),
                    Format.percent(e.testAccuracy())));
        }
        md.paragraph("Loss and accuracy while training (" + md.link(file("history.csv")) + ", every epoch; each row is the net "
                + "before that epoch's update):");
        md.table(List.of("epoch", "loss", "train acc", "test acc"), rows);
        md.paragraph("After the last update: " + finalLine().substring("final: ".length()) + ".");
        md.question("Verify that the results are as expected.", check());
        for (Path f : files) if (f.toString().endsWith(".png")) md.image(f, "lecture: " + f.getFileName());
    }

    Path file(String name) {
        return files.stream().filter(f -> f.getFileName().toString().equals(name)).findFirst().orElse(Path.of(name));
    }
}
