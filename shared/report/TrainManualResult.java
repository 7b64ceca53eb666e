package report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import io.Format;
import nn.Training.Epoch;

/**
 * What training the two-layer net by hand-written backprop and gradient descent gave (exercise 2, step 4).
 *
 * @param settings      the net, the data and the training settings
 * @param history       one row per epoch 0..epochs: the loss and accuracies of the weights before that epoch's update
 *                      (the last row is the trained net)
 * @param msPerStep     the time of one step (forward, loss, backward, update), in milliseconds
 * @param memoryGrowth  how much the process's resident memory grew over the second half of the epochs (after the warm-up
 *                      of the JIT and of the step's memory), in bytes: near 0 when memory stays flat (with the scripts'
 *                      small young generation; a JVM with a large one shows its heap filling up here too)
 * @param dir           the output folder
 * @param files         what the step wrote, figures first
 */
public record TrainManualResult(Settings settings, List<Epoch> history, double msPerStep, long memoryGrowth, Path dir,
        List<Path> files) implements StepResult {
    /** The run's settings; {@code init} says where the weights came from, e.g. {@code He-normal init, seed 0}. */
    public record Settings(int hidden, String init, int trainPoints, int testPoints, double lr, int epochs, String dataType) {
        /** e.g. {@code x -> Linear(2, 64) -> ReLU -> Linear(64, 2) -> softmax -> CE (He-normal init, seed 0); 800 train / ...}. */
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "x -> Linear(2, %d) -> ReLU -> Linear(%d, 2) -> softmax -> CE (%s); %d train / %d test "
                    + "points; lr %s, %d epochs, %s", hidden, hidden, init, trainPoints, testPoints, lr, epochs, dataType);
        }
    }

    @Override
    public String step() {
        return "train-manual";
    }

    /** The trained net's row. */
    public Epoch last() {
        return history.get(history.size() - 1);
    }

    /** e.g. {@code final (epoch 2000): loss 0.058715, train acc 0.9788, test acc 0.9850}. */
    public String finalLine() {
        Epoch last = last();
        return String.format(Locale.ROOT, "final (epoch %d): loss %.6f, train acc %.4f, test acc %.4f", last.epoch(), last.loss(),
                last.trainAccuracy(), last.testAccuracy());
    }

    /** e.g. {@code 1.0 ms/step (forward + loss + backward + update; 2000 steps in 2.0 s); memory +0.1 MB over epochs 1000..2000}. */
    public String speedLine() {
        return String.format(Locale.ROOT, "%.4f ms/step (forward + loss + backward + update; %d steps in %.3f s); memory %+.1f MB over "
                + "epochs %d..%d (resident set)", msPerStep, settings.epochs(), msPerStep * settings.epochs() / 1000, memoryGrowth / 1e6,
                settings.epochs() / 2, settings.epochs());
    }

    /** What the step prints when it is done. */
    public String text() {
        return settings + "\n" + finalLine() + "\n" + speedLine() + "\n" + written() + "\n";
    }

    /** The answer: where plain gradient descent got to. */
    public String answer() {
        Epoch last = last();
        return String.format(Locale.ROOT, "After %d epochs of plain gradient descent the loss is %.4f (from %.4f), train accuracy %s "
                + "and test accuracy %s.", last.epoch(), last.loss(), history.get(0).loss(), Format.percent(last.trainAccuracy()),
                Format.percent(last.testAccuracy()));
    }

    @Override
    public void markdown(Markdown md) {
        md.paragraph("Settings: " + settings.toString().replace("->", "→") + ".");
        md.paragraph("Loss and accuracy during training (" + md.link(dir.resolve("history.csv")) + ", every epoch):");
        md.table(List.of("epoch", "loss", "train acc", "test acc"), Markdown.sample(history.size(), 8).stream().map(history::get).map(e -> List.of(
                Integer.toString(e.epoch()), Format.number(e.loss()), Format.percent(e.trainAccuracy()), Format.percent(e.testAccuracy()))).toList());
        md.paragraph(answer());
        md.paragraph(String.format(Locale.ROOT, "One step (forward, loss, backward, update) took %.3f ms; the process's memory changed by "
                + "%+.1f MB over the second half of the epochs.", msPerStep, memoryGrowth / 1e6));
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(".png") || name.endsWith(".gif")) md.image(file, step() + ": " + name);
        }
    }

    @Override
    public String toString() {
        return "TrainManualResult[" + settings + "; " + finalLine() + "; " + String.format(Locale.ROOT, "%.4f ms/step", msPerStep) + "]";
    }
}
