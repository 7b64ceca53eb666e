package cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import io.BadInputException;
import io.Output;

/**
 * A run's output folder, whose files appear together or not at all, beside files that are not the toolkit's.
 *
 * <p>The run writes into a staging folder inside the target ({@code DIR/.staging-PID-N}: the same file system, so a mount
 * point or a link to another disk works) and {@link #commit} moves its files in. Each folder keeps a manifest,
 * {@value #MANIFEST}: the name, size and SHA-256 of every file the toolkit wrote there. A run replaces or removes only
 * files its manifest lists that still hold what was written; anything else in the folder (the user's files, or the
 * toolkit's files changed since) stays, and a run that would have to replace such a file is refused before any work.
 * A commit that cannot complete puts the previous run's files back. A run that ends otherwise (bad input found late, a
 * fault, Ctrl-C or {@code kill}) leaves the folder as it was; its staging folder is removed, and one left by a
 * {@code kill -9} is removed by the next run into the same folder.
 */
public final class OutputFolder {
    /** In every output folder: name, size and SHA-256 of each file the last complete run wrote there, one per line. */
    public static final String MANIFEST = ".outputs";
    static final String STAGING = ".staging-";
    /** Inside a staging folder during a commit: the files the commit replaces, until it has completed. */
    static final String PREVIOUS = ".previous";
    private static final String HEADER = "# written by the two-moons toolkit: name, size in bytes, SHA-256 of each file it wrote here";
    private static final Set<OutputFolder> OPEN = new LinkedHashSet<>();
    private static int counter;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(OutputFolder::discardAll, "discard staging folders"));
    }

    /** An input file or folder of the run (e.g. {@code --train data.csv}); null paths are options not given. */
    public record Input(String option, Path path) {}

    private final Path target;
    private final Path staging;
    private final List<String> outputs;
    private final List<PathMatcher> matchers;
    private final List<Path> created;
    private boolean open = true;

    private OutputFolder(Path target, Path staging, List<String> outputs, List<Path> created) {
        this.target = target;
        this.staging = staging;
        this.outputs = outputs;
        this.matchers = matchers(outputs);
        this.created = created;
    }

    /**
     * Checks {@code dir} as the value of {@code option} and opens a staging folder in it, for a run that writes files
     * whose paths (relative to {@code dir}) match the globs {@code outputs} (e.g. {@code history.csv},
     * {@code latent_*_run*.png}, {@code lecture/*.csv}). Refused, in one {@link BadInputException} line and before
     * anything is made: a folder that is a file or a dangling link, one that cannot be made or written, an input inside
     * it (the run could replace it), and a file this run would write there that the toolkit did not write (or that was
     * changed since). The folder and the parents it needs are made; a run that ends without a commit removes them again.
     */
    public static OutputFolder open(Path dir, String option, List<String> outputs, Input... inputs) {
        if (dir.toString().isBlank()) throw new BadInputException(option + " must name a folder, got an empty value");
        Path target = dir.toAbsolutePath().normalize();
        if (target.getParent() == null) throw new BadInputException(option + " must not be the root folder " + target);
        if (Files.isSymbolicLink(target) && !Files.exists(target)) {
            throw new BadInputException(option + ": " + dir + " is a link to " + linkTarget(target) + ", which does not exist; make that "
                    + "folder or name another");
        }
        if (Files.exists(target) && !Files.isDirectory(target)) throw new BadInputException(option + ": " + dir + " is a file, not a folder");
        for (Input input : inputs) refuseInside(input, target, option);
        var matchers = matchers(outputs);
        if (Files.isDirectory(target)) refuseForeignFiles(target, option, outputs, matchers);
        synchronized (OPEN) {
            var created = new ArrayList<Path>();
            Path staging = null;
            try {
                for (Path p = target; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) created.add(0, p);
                Files.createDirectories(target);
                removeStale(target);
                staging = target.resolve(STAGING + ProcessHandle.current().pid() + "-" + ++counter);
                Files.createDirectory(staging);
            } catch (IOException | SecurityException e) {
                if (staging != null) deleteTree(staging);
                deleteEmpty(created);
                throw new BadInputException(option + ": cannot " + (Files.isDirectory(target) ? "write in folder " : "create folder ") + dir
                        + " (" + Output.reason(e) + ")");
            }
            var folder = new OutputFolder(target, staging, List.copyOf(outputs), created);
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

    /** Makes folder {@code name} in the staging folder (unless this folder was discarded meanwhile, e.g. by Ctrl-C). */
    public Path mkdirs(String name) {
        synchronized (OPEN) {
            if (!open) throw new IllegalStateException("already committed or discarded: " + target);
            try {
                return Files.createDirectories(staging.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create folder " + staging.resolve(name), e);
            }
        }
    }

    /**
     * Moves the files {@code written} into the target folder (a folder among them: the files its manifest lists, as a
     * committed inner OutputFolder leaves it), replacing the previous run's files of the same name and removing those
     * this run did not write, and writes the manifests. Paths outside the staging folder are left as they are. A commit
     * that cannot complete puts the previous files back and fails; either way the staging folder is removed. Returns
     * {@code written} as their final paths.
     */
    public List<Path> commit(List<Path> written) {
        synchronized (OPEN) {
            if (!open) throw new IllegalStateException("already committed or discarded: " + target);
            try {
                var folders = new ArrayList<String>();
                var files = filesToCommit(written, folders);
                new Commit(this, files, folders).run();
            } catch (IOException e) {
                throw new UncheckedIOException(OutputFolder.inTargetTerms("cannot move the outputs into " + target + "; it holds the "
                        + "previous run's files as they were"), e);
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
            deleteEmpty(created);
        }
    }

    /** Discards every folder not committed: what Cli.run does when a run ends without a result, and Ctrl-C or kill. */
    public static void discardAll() {
        synchronized (OPEN) {
            for (OutputFolder folder : List.copyOf(OPEN)) folder.discard();
        }
    }

    /** Discards the folders opened after {@code folder} and not committed (what all does when one of its steps ends). */
    public static void discardOpenedAfter(OutputFolder folder) {
        synchronized (OPEN) {
            boolean after = false;
            for (OutputFolder f : List.copyOf(OPEN)) {
                if (after) f.discard();
                after |= f == folder;
            }
        }
    }


    /** A message naming files by where they go: {@code lecture/.staging-123-1/loss.png} becomes {@code lecture/loss.png}. */
    public static String inTargetTerms(String message) {
        return message.replaceAll("[/\\\\]\\.staging-\\d+-\\d+(?=[/\\\\]|\\b|$)", "");
    }

    // ---- the checks before a run ----

    /** An input inside the output folder (or the folder itself, through any link) could be replaced by the run. */
    private static void refuseInside(Input input, Path target, String option) {
        if (input.path() == null || !Files.exists(input.path()) || !Files.exists(target)) return;
        Path real, folder;
        try {
            real = input.path().toRealPath();
            folder = target.toRealPath();
        } catch (IOException e) {
            return;   // unreadable: its reader says so, in its own words
        }
        if (real.equals(folder)) {
            throw new BadInputException(input.option() + ": " + input.path() + " is the " + option + " folder" + (input.path().toAbsolutePath()
                    .normalize().equals(target) ? "" : " (" + real + ", through a link)") + "; the run would replace what it reads: choose another " + option);
        }
        if (real.startsWith(folder)) {
            throw new BadInputException(input.option() + ": " + input.path() + " is inside the " + option + " folder " + target
                    + ", where the run could replace or remove it: move it out or choose another " + option);
        }
    }

    /** A file this run would write that the toolkit did not write there, or that was changed since. */
    private static void refuseForeignFiles(Path target, String option, List<String> outputs, List<PathMatcher> matchers) {
        for (String folder : folders(outputs)) {
            Path f = target.resolve(folder);
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new BadInputException(option + ": " + f + " is " + (Files.isSymbolicLink(f) ? "a link" : "a file")
                        + " where this run makes a folder; move it away or choose another " + option);
            }
        }
        int depth = outputs.stream().mapToInt(o -> o.split("/").length).max().orElse(1);
        try (Stream<Path> all = Files.walk(target, depth)) {
            var manifests = new LinkedHashMap<Path, Map<String, Entry>>();
            for (Path p : (Iterable<Path>) all::iterator) {
                Path rel = target.relativize(p);
                if (rel.toString().isEmpty() || !matches(matchers, rel)) continue;
                String why = Files.isSymbolicLink(p) ? "a link" : Files.isDirectory(p) ? "a folder" : !Files.isRegularFile(p) ? "not a regular file"
                        : owned(p, manifests.computeIfAbsent(p.getParent(), OutputFolder::readManifestQuietly)) ? null
                        : "a file that this toolkit did not write there (or that was changed since)";
                if (why != null) {
                    throw new BadInputException(option + ": " + p + " is " + why + ", and this run would write a file of that name: move it "
                            + "away or choose another " + option);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(option + ": cannot read folder " + target + " (" + Output.reason(e) + ")");
        }
    }

    /** The folders the outputs lie in ({@code lecture/history.csv}: {@code lecture}), parents first. */
    private static List<String> folders(List<String> outputs) {
        var folders = new LinkedHashSet<String>();
        for (String o : outputs) {
            String[] parts = o.split("/");
            for (int i = 1; i < parts.length; i++) folders.add(String.join("/", List.of(parts).subList(0, i)));
        }
        return List.copyOf(folders);
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        return globs.stream().map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
    }

    private static boolean matches(List<PathMatcher> matchers, Path rel) {
        return matchers.stream().anyMatch(m -> m.matches(rel));
    }

    // ---- the manifest ----

    /** A file as the toolkit wrote it; {@code sha256} null for a manifest of an older version, which listed names only. */
    record Entry(String name, long size, String sha256) {
        String line() {
            return name + "\t" + size + "\t" + sha256;
        }
    }

    /** The entries of {@code dir}'s manifest by name (none if it has none). */
    static Map<String, Entry> readManifest(Path dir) throws IOException {
        var entries = new TreeMap<String, Entry>();
        Path file = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return entries;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] cells = line.split("\t");
            if (cells.length == 3 && cells[1].matches("\\d{1,18}") && cells[2].matches("[0-9a-f]{64}")) {
                entries.put(cells[0], new Entry(cells[0], Long.parseLong(cells[1]), cells[2]));
            } else if (cells.length == 1 && !line.contains("/")) {
                entries.put(line, new Entry(line, -1, null));   // an older manifest: the names of the files it wrote
            }
        }
        return entries;
    }

    private static Map<String, Entry> readManifestQuietly(Path dir) {
        try {
            return readManifest(dir);
        } catch (IOException e) {
            return Map.of();   // unreadable: nothing in the folder counts as the toolkit's
        }
    }

    /** Whether {@code file} is one the manifest lists, unchanged since it was written. */
    static boolean owned(Path file, Map<String, Entry> manifest) {
        Entry e = manifest.get(file.getFileName().toString());
        if (e == null || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) return false;
        if (e.sha256() == null) return true;
        try {
            return Files.size(file) == e.size() && sha256(file).equals(e.sha256());
        } catch (IOException ex) {
            return false;
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) digest.update(buffer, 0, n);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);   // every JDK has SHA-256
        }
    }

    // ---- the commit ----

    /** The staged files to commit, relative to the staging folder, each checked against the declared outputs. */
    private List<Path> filesToCommit(List<Path> written, List<String> folders) throws IOException {
        var files = new LinkedHashSet<Path>();
        for (Path p : written) {
            Path abs = p.toAbsolutePath().normalize();
            if (!abs.startsWith(staging)) continue;   // written elsewhere (e.g. --save-weights), as it is
            if (Files.isDirectory(abs)) {
                folders.add(staging.relativize(abs).toString());
                addListed(abs, files);
            } else {
                if (!Files.isRegularFile(abs)) throw new IOException(abs + " was not written");
                files.add(staging.relativize(abs));
            }
        }
        for (Path f : files) {
            if (!matches(matchers, f)) throw new IllegalStateException(f + " is not among the declared outputs " + outputs + " of " + target);
        }
        return List.copyOf(files);
    }

    /** The files listed in {@code dir}'s manifest, and in those of its folders. */
    private void addListed(Path dir, Set<Path> files) throws IOException {
        for (String name : readManifest(dir).keySet()) files.add(staging.relativize(dir.resolve(name)));
        try (DirectoryStream<Path> subfolders = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path sub : subfolders) if (!sub.getFileName().toString().startsWith(".")) addListed(sub, files);
        }
    }

    /** One commit: every replaced file first moved aside into the staging folder, so that a failure can put it back. */
    private static final class Commit {
        final Path target, staging, previous;
        final List<Path> files;
        final List<String> folders;
        /** Done so far, in order: {from, to} moves, and null-from entries for folders made. Undone in reverse. */
        final List<Path[]> done = new ArrayList<>();

        Commit(OutputFolder folder, List<Path> files, List<String> folders) {
            this.target = folder.target;
            this.staging = folder.staging;
            this.previous = staging.resolve(PREVIOUS);
            this.files = files;
            this.folders = folders;
        }

        void run() throws IOException {
            var byFolder = new TreeMap<String, List<String>>();
            for (Path f : files) byFolder.computeIfAbsent(f.getParent() == null ? "" : f.getParent().toString(), k -> new ArrayList<>())
                    .add(f.getFileName().toString());
            byFolder.putIfAbsent("", new ArrayList<>());
            for (String f : folders) byFolder.putIfAbsent(f, new ArrayList<>());
            for (var e : byFolder.entrySet()) writeManifest(e.getKey(), e.getValue());
            // The root manifest is also the lock: two runs into one folder commit one after the other. A run that waited
            // may find it replaced by the other's (a new file): then it locks that one.
            Path lockFile = target.resolve(MANIFEST);
            Object made = null;   // the manifest this run made (there was none): a failed commit removes it again
            while (true) {
                if (!Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createFile(lockFile);
                        made = fileKey(lockFile);
                    } catch (java.nio.file.FileAlreadyExistsException e) {
                        // another run made it first
                    }
                }
                Object key = fileKey(lockFile);
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                    if (key != null && !key.equals(fileKey(lockFile))) continue;
                    boolean madeLock = key != null && key.equals(made);
                    try {
                        for (var e : byFolder.entrySet()) moveAside(e.getKey(), e.getValue(), madeLock);
                        for (var e : byFolder.entrySet()) moveIn(e.getKey(), e.getValue());
                    } catch (IOException | RuntimeException e) {
                        rollBack(e);
                        if (madeLock) Files.deleteIfExists(lockFile);
                        throw e;
                    }
                    return;
                } catch (java.nio.file.NoSuchFileException e) {
                    // replaced between the look and the open: look again
                }
            }
        }

        /** The file's identity (device and inode), null if there is none. */
        static Object fileKey(Path file) throws IOException {
            try {
                return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            } catch (java.nio.file.NoSuchFileException e) {
                return null;
            }
        }

        /** The new folder's manifest, in the staging folder: name, size and SHA-256 of each file. */
        void writeManifest(String dir, List<String> names) throws IOException {
            Path from = staging.resolve(dir);
            Files.createDirectories(from);
            var text = new StringBuilder(HEADER).append('\n');
            for (String name : names.stream().sorted().toList()) {
                if (name.equals(MANIFEST)) continue;
                Path f = from.resolve(name);
                text.append(new Entry(name, Files.size(f), sha256(f)).line()).append('\n');
            }
            Files.writeString(from.resolve(MANIFEST), text, StandardCharsets.UTF_8);
            if (!names.contains(MANIFEST)) names.add(MANIFEST);
        }

        /** The previous run's files this run replaces or no longer writes, moved into the staging folder. */
        void moveAside(String dir, List<String> names, boolean madeLock) throws IOException {
            Path to = target.resolve(dir);
            if (dir.isEmpty()) {   // the folder named by --out, which may be a link
                if (!Files.isDirectory(to)) throw new IOException(to + " is not a folder any more");
            } else {
                if (!Files.exists(to, LinkOption.NOFOLLOW_LINKS)) return;
                if (!Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) throw new IOException(to + " is not a folder any more");
            }
            Map<String, Entry> old = readManifest(to);
            for (String name : names) {
                Path t = to.resolve(name);
                if (!Files.exists(t, LinkOption.NOFOLLOW_LINKS)) continue;
                if (name.equals(MANIFEST)) {
                    if (!(dir.isEmpty() && madeLock)) move(t, previous.resolve(dir).resolve(name));
                } else if (owned(t, old)) {
                    move(t, previous.resolve(dir).resolve(name));
                } else {
                    throw new IOException(t + " appeared or was changed during the run; it is not the toolkit's to replace");
                }
            }
            for (String name : old.keySet()) {
                Path t = to.resolve(name);
                if (!names.contains(name) && !name.contains("/") && owned(t, old)) move(t, previous.resolve(dir).resolve(name));
            }
        }

        void moveIn(String dir, List<String> names) throws IOException {
            Path to = target.resolve(dir);
            if (!dir.isEmpty() && !Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(to);
                done.add(new Path[] {null, to});
            }
            for (String name : names) if (!name.equals(MANIFEST)) move(staging.resolve(dir).resolve(name), to.resolve(name));
            move(staging.resolve(dir).resolve(MANIFEST), to.resolve(MANIFEST));
        }

        void move(Path from, Path to) throws IOException {
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done.add(new Path[] {from, to});
        }

        void rollBack(Exception cause) {
            for (int i = done.size() - 1; i >= 0; i--) {
                Path from = done.get(i)[0], to = done.get(i)[1];
                try {
                    if (from == null) Files.deleteIfExists(to);
                    else Files.move(to, from, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    cause.addSuppressed(e);
                }
            }
        }
    }

    // ---- housekeeping ----

    /** Staging folders in {@code target} of processes that no longer run (a kill -9 leaves them behind). */
    private static void removeStale(Path target) throws IOException {
        try (DirectoryStream<Path> stagings = Files.newDirectoryStream(target, STAGING + "*")) {
            for (Path s : stagings) {
                String rest = s.getFileName().toString().substring(STAGING.length());
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

    /**
     * Deletes {@code dir} and all it holds. A thread still writing into it (a figure drawn alongside, a run stopped by
     * Ctrl-C) may add a file meanwhile: then it tries again; once the folder is gone nothing can be made in it (nothing
     * makes a staging folder's parents again, see {@link Output#atomically}).
     */
    static void deleteTree(Path dir) {
        for (int attempt = 0; attempt < 50 && Files.exists(dir, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException | UncheckedIOException e) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void deleteEmpty(List<Path> created) {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(created.get(i));
            } catch (IOException e) {
                return;   // not empty: something else was put there meanwhile, or the run's files
            }
        }
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "a place";
        }
    }

    @Override
    public String toString() {
        return "OutputFolder[" + target + (open ? ", staging in " + staging.getFileName() : ", closed") + "]";
    }
}
