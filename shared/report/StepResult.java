package report;

import java.nio.file.Path;
import java.util.List;

/**
 * What one exercise step found: its numbers, tables and answers, and the files it wrote. Each step's {@code run()}
 * returns one; the step prints it, and {@code all} writes report.md from them (nothing is read back from the console).
 */
public interface StepResult {
    /** The step's alias, e.g. {@code lecture} (also its output folder's name). */
    String step();

    /** Every file the step wrote, in the order a reader should look at them (figures first). */
    List<Path> files();

    /** e.g. {@code wrote history.csv, loss.png, loss.svg to scripts/out/lecture}. */
    default String written() {
        if (files().isEmpty()) return "wrote no files";
        Path dir = files().get(0).toAbsolutePath().getParent();
        return "wrote " + String.join(", ", files().stream().map(f -> dir.equals(f.toAbsolutePath().getParent())
                ? f.getFileName().toString() : f.toString()).toList()) + " to " + dir;
    }

    /**
     * Why the step counts as failed although it has a result to show (e.g. some of its runs diverged), or null. A step
     * that cannot produce a result throws instead.
     */
    default String failure() {
        return null;
    }

    /** The step's part of report.md: settings, tables, figures, the answers to the sheet's questions. */
    void markdown(Markdown md);
}
