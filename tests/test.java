///usr/bin/env jbang "$0" "$@" ; exit $?
// Runs every JUnit 5 test class under tests/ (compiled with shared/ and scripts/) and ends with the line
// "N passed, N failed, N skipped".
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
//DEPS org.junit:junit-bom:5.14.1@pom
//DEPS org.junit.jupiter:junit-jupiter
//DEPS org.junit.platform:junit-platform-launcher
//SOURCES ../shared/sources.java
//SOURCES ../scripts/*.java
//SOURCES *Test.java ScriptRun.java NeedsBash.java Launch.java
//JAVA_OPTIONS -Djava.awt.headless=true

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import cli.BadInputException;
import cli.Cli;

/** Runs every JUnit 5 test class under tests/ and ends with the line "N passed, N failed, N skipped". */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Runs the JUnit 5 tests under tests/ (every *Test class) and prints a closing summary line.")
public class test implements Callable<Integer> {
    @Option(names = "--select", paramLabel = "CLASS", description = "Run only these test classes (repeatable).")
    List<String> classes = List.of();

    public static void main(String... args) {
        System.exit(Cli.run(new test(), args));
    }

    @Override
    public Integer call() throws Exception {
        // The tests read tests/fixtures/ and start ./jbang, from the checkout's root folder: elsewhere, or run by URL, say so.
        if (!Files.isRegularFile(Path.of("jbang-catalog.json")) || !Files.isDirectory(Path.of("tests", "fixtures"))) {
            String checkout = System.getenv("MOONS_CHECKOUT");
            throw new BadInputException(checkout != null ? "the tests run in the checkout's folder: cd " + checkout + " && ./jbang test"
                    : "the tests run in a clone of the toolkit, from its folder: clone it, then run ./jbang test there");
        }
        Path jar = Path.of(test.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<DiscoverySelector> selectors = classes.isEmpty()
                ? testClassesIn(jar).stream().map(c -> (DiscoverySelector) selectClass(c)).toList()
                : classes.stream().map(c -> (DiscoverySelector) selectClass(c)).toList();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .filters(includeClassNamePatterns(".*Test"))
                .build();
        var summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, new ProgressListener(), summary);
        var s = summary.getSummary();
        if (s.getTotalFailureCount() > 0) s.printFailuresTo(new PrintWriter(System.out, true), 25);
        if (s.getTestsFoundCount() == 0) System.out.println("no tests found");
        long failed = s.getTestsFailedCount() + s.getContainersFailedCount();
        System.out.printf("%d passed, %d failed, %d skipped%n", s.getTestsSucceededCount(), failed, s.getTestsSkippedCount());
        return failed == 0 && s.getTestsFoundCount() > 0 ? 0 : 1;
    }

    /** The top-level *Test classes compiled into this script's jar (JBang puts tests/ there). */
    static List<String> testClassesIn(Path jar) throws java.io.IOException {
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.stream().map(java.util.zip.ZipEntry::getName)
                    .filter(n -> n.endsWith("Test.class") && !n.contains("$") && !n.contains("/"))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .sorted().toList();
        }
    }

    /** One line per finished test, so a long run shows where it is. */
    static final class ProgressListener implements TestExecutionListener {
        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (!id.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) return;
            String where = id.getParentIdObject().map(Object::toString).orElse("");
            String cls = where.replaceAll(".*\\[class:([^\\]]+)\\].*", "$1");
            System.out.printf("%-7s %s > %s%n", result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? "ok" : "FAILED",
                    cls, id.getDisplayName());
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            System.out.printf("skipped %s (%s)%n", id.getDisplayName(), reason);
        }
    }
}
