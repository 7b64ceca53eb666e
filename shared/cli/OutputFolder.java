package cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import io.BadInputException;
import io.Output;

/**
 * A run's output folder, whose files appear together or not at all. The run writes into a staging folder beside the
 * target ({@code .NAME.staging-PID-N}); {@link #commit} moves the files in and removes those of the previous run into
 * this folder that this run did not write (listed in its {@value #MANIFEST}), so the folder always holds one complete
 * run. A run that ends otherwise (bad input found late, a fault, Ctrl-C or {@code kill}) leaves the folder as it was
 * and its staging folder is removed; one left by a {@code kill -9} is removed by the next run into the same folder.
 */
public final class OutputFolder {
    /** The names of the files the last complete run wrote, one per line. */
    public static final String MANIFEST = ".outputs";
    private static final Set<OutputFolder> OPEN = new LinkedHashSet<>();
    private static int counter;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(OutputFolder::discardAll, "discard staging folders"));
    }

    private final Path target;
    private final Path staging;
    private final List<Path> createdParents;
    private boolean open = true;

    private OutputFolder(Path target, Path staging, List<Path> createdParents) {
        this.target = target;
        this.staging = staging;
        this.createdParents = createdParents;
    }

    /**
     * Checks {@code dir} as the value of {@code option} (not empty, not a file, writable where it will be made) and
     * opens a staging folder beside it. Any problem is a one-line {@link BadInputException}; nothing is left behind.
     */
    public static OutputFolder open(Path dir, String option) {
        if (dir.toString().isBlank()) throw new BadInputException(option + " must name a folder, got an empty value");
        Path target = dir.toAbsolutePath().normalize();
        if (target.getParent() == null) throw new BadInputException(option + " must not be the root folder " + target);
        if (Files.exists(target) && !Files.isDirectory(target)) throw new BadInputException(option + ": " + dir + " is a file, not a folder");
        if (Files.isDirectory(target) && !Output.canWriteIn(target)) throw new BadInputException(option + ": folder " + dir + " is not writable");
        var created = new ArrayList<Path>();
        Path staging;
        synchronized (OPEN) {
            try {
                for (Path p = target.getParent(); p != null && !Files.exists(p); p = p.getParent()) created.add(0, p);
                Files.createDirectories(target.getParent());
                removeStale(target);
                staging = target.resolveSibling("." + target.getFileName() + ".staging-" + ProcessHandle.current().pid() + "-" + ++counter);
                Files.createDirectory(staging);
            } catch (IOException | SecurityException e) {
                deleteEmpty(created);
                throw new BadInputException(option + ": cannot create folder " + dir + " (" + reason(e) + ")");
            }
            var folder = new OutputFolder(target, staging, created);
            OPEN.add(folder);
            return folder;
        }
    }

    /** The folder the files end up in. */
    public Path target() {
        return target;
    }

    /** The staging folder, where the run writes its files until {@link #commit}. */
    public Path dir() {
        return staging;
    }

    /** Where files written into the staging folder will be once committed (other paths as they are). */
    public List<Path> targets(List<Path> written) {
        return written.stream().map(p -> p.toAbsolutePath().normalize().startsWith(staging) ? target.resolve(staging.relativize(p.toAbsolutePath().normalize())) : p).toList();
    }

    /** Where to write file {@code name} now (in the staging folder). */
    public Path resolve(String name) {
        return staging.resolve(name);
    }

    /**
     * Moves every file written so far into the target folder, replacing files of the same name, and removes the files
     * of the previous run that this one did not write. Returns {@code written} (staging paths) as their final paths.
     */
    public List<Path> commit(List<Path> written) {
        synchronized (OPEN) {
            if (!open) throw new IllegalStateException("already committed or discarded: " + target);
            try {
                Files.createDirectories(target);
                // The manifest is also the lock: two runs into one folder commit one after the other.
                try (FileChannel manifest = FileChannel.open(target.resolve(MANIFEST), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE); FileLock lock = manifest.lock()) {
                    List<String> previous = List.of(StandardCharsets.UTF_8.decode(ByteBuffer.wrap(readAll(manifest))).toString().split("\n"));
                    List<String> names = names(staging);
                    for (String name : names) {
                        Files.move(staging.resolve(name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    }
                    for (String old : previous) {
                        Path stale = target.resolve(old).normalize();
                        if (!old.isBlank() && !names.contains(old) && target.equals(stale.getParent())) Files.deleteIfExists(stale);
                    }
                    manifest.truncate(0).write(ByteBuffer.wrap((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8)), 0);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot move the outputs into " + target + " (" + reason(e) + ")", e);
            } finally {
                discard();
            }
            return targets(written);
        }
    }

    /** Removes the staging folder and what it holds (the target stays as it was); folders made for it are removed too. */
    public void discard() {
        synchronized (OPEN) {
            if (!open) return;
            open = false;
            OPEN.remove(this);
            deleteTree(staging);
            if (!Files.exists(target)) deleteEmpty(createdParents);
        }
    }

    /** Discards every folder not committed: what Cli.run and all do when a step ends without a result. */
    public static void discardAll() {
        synchronized (OPEN) {
            for (OutputFolder folder : List.copyOf(OPEN)) folder.discard();
        }
    }

    /** Staging folders beside {@code target} of processes that no longer run (a kill -9 leaves them behind). */
    private static void removeStale(Path target) throws IOException {
        String prefix = "." + target.getFileName() + ".staging-";
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(target.getParent(), prefix + "*")) {
            for (Path s : siblings) {
                String rest = s.getFileName().toString().substring(prefix.length());
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, rest.indexOf('-')));
                } catch (RuntimeException e) {
                    continue;
                }
                if (ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)) deleteTree(s);
            }
        }
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        var buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 1 << 20));
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) { }
        return java.util.Arrays.copyOf(buffer.array(), buffer.position());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            // nothing more can be done; the next run into this folder removes it (see removeStale)
        }
    }

    private static void deleteEmpty(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                return;   // not empty: something else was put there meanwhile
            }
        }
    }

    /** A message naming files by where they go: {@code .lecture.staging-123-1/loss.png} becomes {@code lecture/loss.png}. */
    public static String inTargetTerms(String message) {
        return message.replaceAll("\\.([^/\\\\]+)\\.staging-\\d+-\\d+", "$1");
    }

    static String reason(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('\n', ' '));
    }

    @Override
    public String toString() {
        return "OutputFolder[" + target + (open ? ", staging in " + staging.getFileName() : ", closed") + "]";
    }
}
