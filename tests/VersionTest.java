import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import cli.Version;

/** Every command of the catalog offers -V, --version in its --help, and it prints the toolkit's version. */
class VersionTest {
    @TestFactory
    Stream<DynamicTest> everyCommandPrintsTheToolkitsVersion() throws Exception {
        Matcher ref = Pattern.compile("\"script-ref\":\\s*\"[^\"]*/(\\w+)\\.java\"").matcher(Files.readString(Path.of("jbang-catalog.json")));
        var classes = new java.util.ArrayList<String>();
        while (ref.find()) classes.add(ref.group(1));
        assertTrue(classes.size() >= 13, classes.toString());
        return classes.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Class<?> script = Class.forName(name);
            @SuppressWarnings("unchecked")
            ScriptRun version = ScriptRun.of(() -> (Callable<Integer>) newInstance(script), "--version");
            assertEquals(0, version.code(), version.err());
            String command = script.getAnnotation(picocli.CommandLine.Command.class).name();
            assertEquals(command + ", two-moons toolkit " + Version.TOOLKIT + " (Java " + System.getProperty("java.version") + ")",
                    version.out().strip());
            @SuppressWarnings("unchecked")
            ScriptRun help = ScriptRun.of(() -> (Callable<Integer>) newInstance(script), "--help");
            assertTrue(help.out().contains("-V, --version"), help.out());
        }));
    }

    static Object newInstance(Class<?> script) {
        try {
            return script.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
