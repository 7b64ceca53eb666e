package cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The toolkit's version: what every script's {@code --version} prints (Cli.run gives it to each command). */
public final class Version implements IVersionProvider {
    /** The version of the toolkit, raised with every change a user can see. */
    public static final String TOOLKIT = "1.0.0";

    @Spec
    CommandSpec spec;   // picocli fills it where a command names this class; Cli.run gives it

    public Version() {}

    Version(CommandSpec spec) {
        this.spec = spec;
    }

    @Override
    public String toString() {
        return getVersion()[0];
    }

    @Override
    public String[] getVersion() {
        String name = spec == null ? "" : spec.qualifiedName() + ", ";
        return new String[] {name + "two-moons toolkit " + TOOLKIT + " (Java " + System.getProperty("java.version") + ")"};
    }
}
