package io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
        BadInputException.require(!dir.toString().isBlank(), option + " must name a folder, got an empty value");
        BadInputException.require(dir.toAbsolutePath().normalize().getParent() != null, option + " must not be the root folder " + dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException | SecurityException e) {
            throw new BadInputException(option + ": cannot create folder " + dir + " (" + reason(e) + ")");
        }
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new BadInputException(option + ": folder " + dir + " is not writable");
        }
        return dir;
    }

    /**
     * Checks, without creating anything, that {@code file} can be written as a .npz: its name ends in .npz, it is not a
     * folder, its folder exists and is writable (as torch.save and np.savez, it makes no folder), and it is not a source
     * of the checkout.
     */
    public static void requireNpzFile(Path file, String option) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        BadInputException.require(name.endsWith(".npz") && name.length() > ".npz".length(), option + " must name a .npz file, got '" + file + "'");
        BadInputException.require(!Files.isDirectory(file), option + ": " + file + " is a folder; expected a .npz file name");
        Path dir = file.toAbsolutePath().getParent();
        BadInputException.require(Files.isDirectory(dir) && canWriteIn(dir), option + ": folder " + dir + " must exist and be writable");
        refuseSource(file, option);
    }

    /**
     * Refuses, in one line, an output file that would replace or add to the sources of a checkout of this toolkit (its
     * scripts, shared/ and tests/, or any file of it but under scripts/out/): e.g. {@code standalone forward --out
     * scripts/forward.java}.
     */
    public static void refuseSource(Path file, String option) {
        Path real;
        try {
            Path dir = file.toAbsolutePath().normalize().getParent();
            if (dir == null || !Files.isDirectory(dir)) return;
            real = dir.toRealPath().resolve(file.getFileName().toString());
            if (Files.exists(real)) real = real.toRealPath();
        } catch (IOException e) {
            return;   // the writer says what is wrong
        }
        for (Path checkout = real.getParent(); checkout != null; checkout = checkout.getParent()) {
            if (!Files.isRegularFile(checkout.resolve("jbang-catalog.json")) || !Files.isDirectory(checkout.resolve("shared"))) continue;
            Path rel = checkout.relativize(real);
            boolean outputs = rel.startsWith(Path.of("scripts", "out"));
            boolean sources = rel.getNameCount() > 1 && List.of("scripts", "shared", "tests").contains(rel.getName(0).toString());
            BadInputException.require(outputs || !Files.exists(real) && !sources, option + ": " + file + " is " + (Files.exists(real) ? "a file" : "a place")
                    + " of the toolkit's checkout " + checkout + " (its scripts and sources); write it elsewhere, e.g. under scripts/out/");
            return;
        }
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

    /**
     * What went wrong, in words: the system's reason ({@code No space left on device}, {@code Read-only file system},
     * {@code File name too long}), never a Java class name.
     */
    public static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof java.nio.file.FileSystemException)) root = root.getCause();
        if (root instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (root instanceof java.nio.file.NoSuchFileException) return "no such file or folder";
        if (root instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name exists";
        if (root instanceof java.nio.file.NotDirectoryException) return "not a folder";
        if (root instanceof java.nio.file.DirectoryNotEmptyException) return "a folder that is not empty is in the way";
        if (root instanceof java.nio.file.AtomicMoveNotSupportedException) return "cannot move files between these two file systems";
        if (root instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        if (root instanceof SecurityException) return "not allowed";
        String m = root.getMessage();
        return m != null && !m.isBlank() ? m.replace('\n', ' ') : "an input or output error";
    }

    /**
     * Whether {@code path} lies in a staging folder of cli.OutputFolder ({@code DIR/.staging-PID-N}), where nothing may be
     * made once it is discarded; here, below cli, as every writer makes its folders through createParents.
     */
    public static boolean inStaging(Path path) {
        for (Path part : path) if (part.toString().matches("\\.staging-\\d+-\\d+")) return true;
        return false;
    }

    /** Makes {@code dir} and its parents, but never again a staging folder that was discarded (see OutputFolder.deleteTree). */
    public static void createParents(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        if (inStaging(dir.toAbsolutePath())) throw new java.nio.file.NoSuchFileException(dir.toString(), null, "the run's staging folder was removed");
        Files.createDirectories(dir);
    }

    /** Writes {@code target} through {@code writer} into a temp file in the same folder, then renames it. */
    public static void atomically(Path target, FileWriter writer) {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try (var phase = Timings.begin(Timings.WRITING)) {
            createParents(dir);
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
