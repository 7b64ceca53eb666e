package notebook;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import io.Programs;
import io.BadInputException;
import io.Output;

/**
 * The toolkit's Java kernel as Jupyter finds it: a kernelspec ({@code kernels/moons/kernel.json}) in the user's Jupyter
 * data folder, whose command is this checkout's {@code ./jbang} running {@code scripts/kernel.java}, interrupted by a
 * message (a SIGINT would end the JVM).
 */
public final class Kernelspec {
    private Kernelspec() {}

    /** The kernel's name in Jupyter (the notebooks' metadata name it) and what its menus show. */
    public static final String NAME = "moons", DISPLAY_NAME = "Java (moons)";
    /** The key under the kernelspec's metadata that marks it as installed by ./jbang notebook, with the checkout's path. */
    static final String MARK = "moons_checkout";

    /** The toolkit's folder: the launcher's (MOONS_CHECKOUT, set for an alias), or the one from here up with jbang-catalog.json. */
    public static Path checkout() {
        String alias = System.getenv("MOONS_CHECKOUT");
        if (alias != null && !alias.isBlank() && isCheckout(Path.of(alias).toAbsolutePath())) return Path.of(alias).toAbsolutePath();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isCheckout(dir)) return dir;
        }
        String launcher = System.getenv("JBANG_LAUNCH_CMD");   // ./jbang exports its own path
        if (launcher != null && !launcher.isBlank()) {
            Path dir = Path.of(launcher).toAbsolutePath().getParent();
            if (dir != null && isCheckout(dir)) return dir;
        }
        throw new BadInputException("no toolkit folder here: run ./jbang notebook in the folder with jbang-catalog.json and scripts/kernel.java");
    }

    static boolean isCheckout(Path dir) {
        return Files.isRegularFile(dir.resolve("jbang-catalog.json")) && Files.isRegularFile(dir.resolve("scripts").resolve("kernel.java"))
                && Files.isRegularFile(dir.resolve("jbang"));
    }

    /** Where Jupyter looks for this user's kernels ($JUPYTER_DATA_DIR/kernels, or the platform's data folder), and ours in it. */
    public static Path userDir() {
        String data = System.getenv("JUPYTER_DATA_DIR");
        Path base;
        if (data != null && !data.isBlank()) {
            base = Path.of(data);
        } else {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            Path home = Path.of(System.getProperty("user.home"));
            if (os.contains("mac")) base = home.resolve("Library").resolve("Jupyter");
            else if (os.contains("win")) base = Path.of(System.getenv().getOrDefault("APPDATA", home.toString())).resolve("jupyter");
            else {
                String xdg = System.getenv("XDG_DATA_HOME");
                base = (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local").resolve("share")).resolve("jupyter");
            }
        }
        return base.resolve("kernels").resolve(NAME);
    }

    /** The kernelspec: the checkout's launcher starting its kernel script with Jupyter's connection file. */
    public static String json(Path checkout) {
        String launcher = checkout.resolve("jbang").toString(), kernel = checkout.resolve("scripts").resolve("kernel.java").toString();
        return "{\n"
                + "  \"argv\": [" + quote(launcher) + ", " + quote(kernel) + ", \"{connection_file}\"],\n"
                + "  \"display_name\": " + quote(DISPLAY_NAME) + ",\n"
                + "  \"language\": \"java\",\n"
                + "  \"interrupt_mode\": \"message\",\n"
                + "  \"metadata\": {" + quote(MARK) + ": " + quote(checkout.toString()) + "}\n"
                + "}\n";
    }

    /** Writes (or replaces) the kernelspec in {@code dir}; returns its kernel.json. */
    public static Path install(Path dir, Path checkout) {
        Path file = dir.resolve("kernel.json");
        if (Files.exists(file) && !ours(file)) {
            throw new BadInputException(file + " is a kernel named '" + NAME + "' that ./jbang notebook did not install; remove it first");
        }
        Output.prepareDir(dir, "the Jupyter kernel folder");
        return Output.writeString(file, json(checkout));
    }

    /** Removes the kernelspec from {@code dir} if ./jbang notebook installed it; says what it did. */
    public static String uninstall(Path dir) {
        Path file = dir.resolve("kernel.json");
        if (!Files.exists(file)) return "the Java kernel '" + NAME + "' is not installed (no " + file + ")";
        if (!ours(file)) throw new BadInputException(file + " was not installed by ./jbang notebook; left as it is");
        try {
            Files.delete(file);
            try (var rest = Files.list(dir)) {
                if (rest.findAny().isEmpty()) Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
        return "removed the Java kernel '" + NAME + "' (" + file + ")";
    }

    static boolean ours(Path kernelJson) {
        try {
            return Files.readString(kernelJson).contains(quote(MARK));
        } catch (IOException e) {
            return false;
        }
    }

    /** The command that starts Jupyter's notebook server from a folder of {@code path} (as $PATH), or null when there is none. */
    public static List<String> jupyter(String path) {
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path jupyter = Path.of(dir).resolve("jupyter");
            if (!Files.isExecutable(jupyter)) continue;
            if (Programs.works(List.of(jupyter.toString(), "notebook", "--version"), 60)) return List.of(jupyter.toString(), "notebook");
            if (Thread.currentThread().isInterrupted()) return null;
        }
        return null;
    }

    /** The one line that installs Jupyter's notebook here: Debian's package where there is apt-get, else pip's. */
    public static String installLine() {
        boolean debian = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        return debian ? "sudo apt-get install jupyter-notebook" : "python3 -m pip install --user notebook";
    }

    /** What to do without Jupyter: the line that installs it, and how to start it on {@code notebooks} then. */
    public static List<String> withoutJupyter(Path notebooks) {
        return List.of("Jupyter is not installed; install it with: " + installLine(),
                "then run ./jbang notebook again, or: jupyter notebook " + notebooks);
    }

    /** A JSON string. */
    static String quote(String s) {
        var out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"').toString();
    }
}
