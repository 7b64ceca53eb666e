package report;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import data.Points;
import data.Split;

/** What the data step made: the settings (make_moons, split), the three point sets and the files it wrote. */
public record MoonsResult(String settings, Points raw, Split split, List<Path> files) implements StepResult {
    @Override
    public String step() {
        return "moons";
    }

    @Override
    public List<Path> files() {
        return files;
    }

    /** One row of the console table: {@code train     800 points   class 0:     400   class 1:     400}. */
    public static String summaryLine(String name, Points points) {
        int ones = Arrays.stream(points.y()).sum();
        return String.format(Locale.ROOT, "  %-5s %7d points   class 0: %7d   class 1: %7d", name, points.size(), points.size() - ones, ones);
    }

    /** The three sets, one line each. */
    public String summary() {
        return String.join("\n", summaryLine("raw", raw), summaryLine("train", split.train()), summaryLine("test", split.test()));
    }

    @Override
    public void markdown(Markdown md) {
        md.paragraph("Settings: `" + settings + "`");
        md.table(List.of("split", "file", "points", "class 0", "class 1"), List.of(row(md, "train", split.train()), row(md, "test", split.test())));
        for (Path f : files) if (f.toString().endsWith(".png")) md.image(f, "moons: " + f.getFileName());
    }

    private List<String> row(Markdown md, String name, Points points) {
        int ones = Arrays.stream(points.y()).sum();
        Path csv = files.stream().filter(f -> f.getFileName().toString().equals(name + ".csv")).findFirst().orElse(Path.of(name + ".csv"));
        return List.of(name, md.link(csv), Integer.toString(points.size()), Integer.toString(points.size() - ones), Integer.toString(ones));
    }
}
