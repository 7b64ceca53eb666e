package cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import speed.Timings;

/** Where outputs go, and how they are written: to a temp file beside the target, then renamed. */
public final class Output {
    private Output() {}

    /** A writer of one file, given the temp path to fill. */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path temp) throws IOException;
    }

    /**
     * The default output folder of a step: {@code scripts/out/STEP} of the checkout whose ./jbang started it (from
     * whatever folder: the launcher names its checkout in MOONS_CHECKOUT), else of the checkout the working directory
     * is in (found by walking up to {@code jbang-catalog.json}); {@code ./out/STEP} for a script copied elsewhere or
     * run by URL.
     */
    public static Path defaultDir(String step) {
        String launcher = System.getenv("MOONS_CHECKOUT");
        if (launcher != null && !launcher.isBlank() && isCheckout(Path.of(launcher))) {
            return Path.of(launcher).toAbsolutePath().resolve("scripts").resolve("out").resolve(step);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (isCheckout(dir)) return dir.resolve("scripts").resolve("out").resolve(step);
        }
        return Path.of("out", step).toAbsolutePath();
    }

    private static boolean isCheckout(Path dir) {
        return Files.isRegularFile(dir.resolve("jbang-catalog.json")) && Files.isDirectory(dir.resolve("scripts"));
    }

    /**
     * Creates {@code dir} (and parents) or fails with a one-line {@link BadInputException} naming
     * {@code option}; checks that it is writable.
     */
    public static Path prepareDir(Path dir, String option) {
        Cli.require(!dir.toString().isBlank(), option + " must name a folder, got an empty value");
        Cli.require(dir.toAbsolutePath().normalize().getParent() != null, option + " must not be the root folder " + dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new BadInputException(option + ": cannot create folder " + dir + " (" + e.getClass().getSimpleName() + ")");
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new BadInputException(option + ": folder " + dir + " is not writable");
        }
        return dir;
    }

    /**
     * Checks, without creating anything, that {@code file} can be written as a .npz: its name ends in .npz, it is not a
     * folder, and its folder exists and is writable (as torch.save and np.savez, it makes no folder).
     */
    public static void requireNpzFile(Path file, String option) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        Cli.require(name.endsWith(".npz") && name.length() > ".npz".length(), option + " must name a .npz file, got '" + file + "'");
        Cli.require(!Files.isDirectory(file), option + ": " + file + " is a folder; expected a .npz file name");
        Path dir = file.toAbsolutePath().getParent();
        Cli.require(Files.isDirectory(dir) && canWriteIn(dir), option + ": folder " + dir + " must exist and be writable");
    }

    /**
     * Whether a file can be made in {@code dir}, found by making one (and removing it): permission bits do not tell it
     * for root, an immutable folder or a read-only mount.
     */
    public static boolean canWriteIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".write-check", ".tmp"));
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** Writes {@code target} through {@code writer} into a temp file in the same folder, then renames it. */
    public static void atomically(Path target, FileWriter writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try (var phase = Timings.begin(Timings.WRITING)) {
            Files.createDirectories(dir);
            // A fresh name, not Files.createTempFile: that one makes the file owner-only (0600) for good.
            temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
            writer.write(temp);
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the temp file is hidden and named after its target; nothing else to do
                }
            }
        }
    }

    /** Writes a text file atomically (UTF-8); returns its path. */
    public static Path writeString(Path target, String text) {
        atomically(target, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8));
        return target;
    }
}
