package report;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * report.md as it is written: paragraphs, tables, figures and links, every link relative to the report's folder with
 * forward slashes (so GitHub renders it from any checkout). Each {@link StepResult} appends its section.
 */
public final class Markdown {
    private final Path root;
    private final StringBuilder text = new StringBuilder();

    /** A document that will be saved in folder {@code root}. */
    public Markdown(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Markdown heading(int level, String title) {
        text.append("#".repeat(level)).append(' ').append(title).append("\n\n");
        return this;
    }

    /** A paragraph (a blank line after it). */
    public Markdown paragraph(String paragraph) {
        text.append(paragraph.strip()).append("\n\n");
        return this;
    }

    /** A question of the sheet in bold, then its answer. */
    public Markdown question(String question, String answer) {
        return paragraph("**" + question + "**").paragraph(answer);
    }

    /** A table; cells may hold Markdown (pipes and line breaks are escaped). */
    public Markdown table(List<String> header, List<List<String>> rows) {
        text.append("| ").append(String.join(" | ", header.stream().map(Markdown::cell).toList())).append(" |\n|");
        text.append("---|".repeat(header.size())).append('\n');
        for (List<String> row : rows) text.append("| ").append(String.join(" | ", row.stream().map(Markdown::cell).toList())).append(" |\n");
        text.append('\n');
        return this;
    }

    /** A fenced block of fixed-width text (a console table). */
    public Markdown code(String block) {
        text.append("```text\n").append(block.stripTrailing()).append("\n```\n\n");
        return this;
    }

    /** An embedded figure. */
    public Markdown image(Path file, String alt) {
        text.append("![").append(alt).append("](").append(relative(file)).append(")\n\n");
        return this;
    }

    /** {@code [text](file)}, relative to the report. */
    public String link(Path file, String linkText) {
        return "[" + linkText + "](" + relative(file) + ")";
    }

    /** {@code [name](file)} with the file's own name as the text. */
    public String link(Path file) {
        return link(file, file.getFileName().toString());
    }

    /** The path of {@code file} as seen from the report's folder, with forward slashes. */
    public String relative(Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    /**
     * The rows of a long per-epoch table to show: about {@code rows} + 2 of {@code n}, the first, every k-th with k a round
     * number (1, 2, 5, 10, 20, 50, ...), and the last.
     */
    public static List<Integer> sample(int n, int rows) {
        long every = 1;
        double wanted = Math.max(1, (n - 1) / (double) rows);
        outer:
        for (long decade = 1; ; decade *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * decade >= wanted) {
                    every = m * decade;
                    break outer;
                }
            }
        }
        var picked = new java.util.ArrayList<Integer>();
        for (int i = 0; i < n; i++) if (i % every == 0 || i == n - 1) picked.add(i);
        return picked;
    }

    /** GitHub's anchor of a heading: lower case, punctuation other than '-' and '_' dropped, spaces to '-'. */
    public static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
