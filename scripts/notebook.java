///usr/bin/env jbang "$0" "$@" ; exit $?
// The exercise sheet as Jupyter notebooks: installs this toolkit's Java kernel for Jupyter (a user-level kernelspec
// that starts scripts/kernel.java with ./jbang) and opens notebooks/ in Jupyter, or says how to install Jupyter.
//
//JAVA 17+
//COMPILE_OPTIONS -encoding UTF-8
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1
//DEPS org.nd4j:nd4j-native:1.0.0-M2.1:${os.detected.classifier}
//DEPS org.bytedeco:openblas:0.3.31-1.5.13
//DEPS org.bytedeco:openblas:0.3.31-1.5.13:${os.detected.classifier}
//DEPS org.bytedeco:javacpp:1.5.13
//DEPS org.bytedeco:javacpp:1.5.13:${os.detected.classifier}
//DEPS org.knowm.xchart:xchart:3.8.8
//DEPS de.erichseifert.vectorgraphics2d:VectorGraphics2D:0.13
//DEPS info.picocli:picocli:4.7.7
//DEPS org.slf4j:slf4j-nop:1.7.36
//SOURCES ../shared/sources.java
//JAVA_OPTIONS -Djava.awt.headless=true -XX:TieredStopAtLevel=1 -XX:+UseSerialGC

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import cli.Cli;
import notebook.Kernelspec;

/**
 * {@code ./jbang notebook}: the kernelspec written (where Jupyter looks for a user's kernels), the kernel built and
 * warmed up once (so that Jupyter finds it ready within its start-up time), then Jupyter started on notebooks/.
 */
@Command(name = "notebook", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Installs the toolkit's Java kernel for Jupyter (user-level kernelspec '" + Kernelspec.NAME + "') and starts "
                + "Jupyter on notebooks/; without Jupyter, says how to install it. Arguments after -- go to 'jupyter notebook'.")
public class notebook implements Callable<Integer> {
    @Option(names = "--install-only", description = "Install the kernel, then say how to start Jupyter, without starting it.")
    boolean installOnly;

    @Option(names = "--uninstall", description = "Remove the kernel this command installed (nothing else).")
    boolean uninstall;

    @Parameters(paramLabel = "JUPYTER_ARG", arity = "0..*", description = "After --: passed to 'jupyter notebook' (e.g. -- --no-browser --port 8890).")
    List<String> jupyterArgs = List.of();

    public static void main(String... args) {
        System.exit(Cli.run(new notebook(), args));
    }

    @Override
    public Integer call() throws Exception {
        Cli.require(!(installOnly && uninstall), "--install-only and --uninstall exclude each other");
        Cli.require(!installOnly || jupyterArgs.isEmpty(), "--install-only starts no Jupyter, so it takes no JUPYTER_ARG, got "
                + String.join(" ", jupyterArgs));
        Path checkout = Kernelspec.checkout();
        Path dir = Kernelspec.userDir();
        if (uninstall) {
            Cli.require(jupyterArgs.isEmpty(), "--uninstall takes no JUPYTER_ARG, got " + String.join(" ", jupyterArgs));
            System.out.println(Kernelspec.uninstall(dir));
            return Cli.OK;
        }
        Path notebooks = checkout.resolve("notebooks");
        Path spec = Kernelspec.install(dir, checkout);
        System.out.println("installed the Java kernel '" + Kernelspec.NAME + "' for Jupyter: " + spec);
        if (!warmUp(checkout, notebooks)) return Cli.FAILED;

        List<String> jupyter = Kernelspec.jupyter(System.getenv("PATH"));
        if (jupyter == null) {
            Kernelspec.withoutJupyter(notebooks).forEach(System.out::println);
            return Cli.OK;
        }
        if (installOnly) {
            System.out.println("start Jupyter with: ./jbang notebook   (or: " + String.join(" ", jupyter) + " --notebook-dir=" + notebooks
                    + "), then open a notebook; its kernel is '" + Kernelspec.DISPLAY_NAME + "'");
            return Cli.OK;
        }
        var command = new ArrayList<>(jupyter);
        command.add("--notebook-dir=" + notebooks);
        // Jupyter refuses to run as root unless told to (containers often are root)
        if ("root".equals(System.getProperty("user.name")) && !jupyterArgs.contains("--allow-root")) command.add("--allow-root");
        command.addAll(jupyterArgs);
        System.out.println("starting " + String.join(" ", command) + "   (Ctrl-C twice to stop it)");
        return new ProcessBuilder(command).directory(notebooks.toFile()).inheritIO().start().waitFor();
    }

    /**
     * Builds the kernel and runs it once in notebooks/, where Jupyter starts it: that run writes its class-data archive,
     * and a second one leaves the launcher's cached command, so that the kernel Jupyter starts is ready within 2 s.
     * False, with the kernel's output on stderr, if it does not start.
     */
    static boolean warmUp(Path checkout, Path notebooks) throws IOException, InterruptedException {
        System.out.println("building the kernel (the first time takes a minute) ...");
        String launcher = checkout.resolve("jbang").toString(), kernel = checkout.resolve("scripts").resolve("kernel.java").toString();
        for (String arg : List.of("--warm-up", "--version")) {
            Path log = Files.createTempFile("moons-kernel", ".log");
            try {
                Process p = new ProcessBuilder(launcher, kernel, arg).directory(notebooks.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                if (p.waitFor() != 0) {
                    System.err.print(Files.readString(log));
                    System.err.println("error: the kernel does not start: " + launcher + " " + kernel + " " + arg + " failed (see above)");
                    return false;
                }
            } finally {
                Files.deleteIfExists(log);
            }
        }
        return true;
    }
}
