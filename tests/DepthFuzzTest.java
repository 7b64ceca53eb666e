import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** FuzzTest's generated bad values for every option of depth: exit 2, one line naming the option, nothing written. */
class DepthFuzzTest {
    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> everyOptionOfDepthRejectsBadValues() {
        var fuzzer = new FuzzTest();
        fuzzer.tmp = tmp;
        var tests = new ArrayList<DynamicTest>();
        for (OptionSpec option : new CommandLine(new depth()).getCommandSpec().options()) {
            if (option.usageHelp() || option.versionHelp()) continue;
            tests.add(DynamicTest.dynamicTest("depth " + option.longestName(), () -> fuzzer.fuzz("depth", depth::new, option)));
        }
        assertTrue(tests.size() == 12, "options found: " + tests.size());
        return tests.stream();
    }
}
