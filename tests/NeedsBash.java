import java.io.File;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * A test (or test class) that runs ./jbang (a bash script) or needs other bash: skipped, with the reason, where there is no bash
 * to run it (Windows; the steps themselves need none: jbang all and jbang test work there with JBang installed).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@EnabledIf(value = "Bash#present", disabledReason = "runs ./jbang, a bash script: needs bash (Linux, macOS, WSL), none here")
@interface NeedsBash {}

/** Whether this machine runs bash scripts: not Windows (which cannot start ./jbang as a program), and bash on PATH. */
final class Bash {
    private Bash() {}

    static boolean present() {
        if (System.getProperty("os.name", "").startsWith("Windows")) return false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "bash"))) return true;
        }
        return false;
    }
}
