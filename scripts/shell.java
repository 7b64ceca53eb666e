///usr/bin/env jbang "$0" "$@" ; exit $?
// JShell for tinkering without a build: ND4J, XChart and every package of shared/ imported, so that
// var data = TwoMoons.lecture(); works as typed, and Show.confidence(net, data.test()) draws a figure.
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
//JAVA_OPTIONS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import cli.Cli;
import jdk.jshell.tool.JavaShellToolBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import notebook.Imports;

/**
 * JShell with ND4J, XChart and every package of shared/ imported, for tinkering without a build:
 * {@code var data = TwoMoons.lecture();} works as typed. JBang compiles shared/ into this script's jar, and JShell
 * runs in this JVM with that jar on its class path, so it imports the compiled classes instead of compiling their
 * sources again (which took 16 s). Files given as arguments are opened after the imports, like {@code /open FILE}.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
        description = "JShell with ND4J, XChart and every package of shared/ imported. Try: var data = TwoMoons.lecture();")
public class shell implements Callable<Integer> {
    @Parameters(paramLabel = "FILE.jsh", arity = "0..*", description = "JShell scripts to run after the imports (then the shell exits if the last one says /exit).")
    List<Path> files = List.of();

    public static void main(String... args) {
        System.exit(Cli.run(new shell(), args));
    }

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            if (!f.toFile().isFile()) {
                System.err.println("error: FILE.jsh: no file " + f);
                return 2;
            }
        }
        var options = new ArrayList<>(List.of(
                // local: snippets run in this JVM, which has ND4J, XChart and the shared classes on its class path.
                "--execution=local", "--class-path=" + System.getProperty("java.class.path"),
                "--startup=DEFAULT", "--startup=PRINTING", "--startup=" + startup().toString()));
        for (Path f : files) options.add(f.toString());
        return JavaShellToolBuilder.builder().start(options.toArray(String[]::new));
    }

    /** A startup file that imports every package of shared/ (as compiled into this jar) and the usual ND4J types. */
    static Path startup() throws IOException {
        var imports = new StringBuilder();
        for (String name : Imports.toolkit(shell.class)) imports.append("import ").append(name).append(";\n");
        imports.append("System.out.println(\"moons shell: ND4J, XChart and shared/ are loaded; figures open as \" + Show.mode() + \". \"\n"
                + "    + \"Try: var data = TwoMoons.lecture();  (/exit to leave)\");\n");
        Path file = java.nio.file.Files.createTempFile("moons-shell", ".jsh");
        file.toFile().deleteOnExit();
        java.nio.file.Files.writeString(file, imports);
        return file;
    }
}
