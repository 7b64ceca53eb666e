///usr/bin/env jbang "$0" "$@" ; exit $?
// The notebooks' Jupyter kernel: Java cells run by JShell in this JVM, with ND4J, XChart and every package of shared/
// imported (as in ./jbang shell), figures shown under the cell. Jupyter starts it with a connection file; ./jbang notebook
// installs it (the kernelspec) and opens the notebooks of notebooks/.
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
//DEPS org.dflib.jjava:jjava-jupyter:1.0-a6
//SOURCES ../shared/sources.java
//CDS
//JAVA_OPTIONS -Djava.awt.headless=true -XX:+UseSerialGC -Xmx1g -XX:TieredStopAtLevel=1 -Xlog:cds=off
// (-Xmx1g caps the memory: the heap and, as JavaCPP counts it against the same limit, ND4J's arrays off the heap. C1 only:
// JShell compiles every cell with javac, and with C2 profiling and compiling javac alongside, the first cell came 2-4x
// later; the price is training, 1.5-2.5x slower per epoch than in the scripts, which are the place for speed.)

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.InterruptRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;
import org.dflib.jjava.jupyter.messages.request.ShutdownRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import cli.Cli;
import cli.Version;
import notebook.CellError;
import notebook.Figures;
import notebook.Imports;
import notebook.Notebook;
import notebook.Session;
import plot.Charts;
import plot.Show;
import speed.Nd4jSetup;

/**
 * A Jupyter kernel for Java on JJava's protocol library (jjava-jupyter) and JShell. It answers kernel_info at once and
 * gets JShell, ND4J and the figures ready in the background while the first cell is typed; that cell waits for them.
 * Where jjava-jupyter 1.0-a6 falls short of the protocol, this class answers itself: status "ok" in the kernel_info,
 * shutdown, interrupt and comm_info replies, a history reply, errors named by the user's exception (not the class
 * that reached the kernel). It interrupts with a message (the kernelspec's {@code interrupt_mode}; SIGINT would end
 * the JVM) and shuts down when the process that started it is gone.
 */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = "The notebooks' Jupyter kernel (Java cells in JShell, the toolkit imported, figures under the cell). "
                + "Jupyter starts it; ./jbang notebook installs it.")
public class kernel implements Callable<Integer> {
    @Parameters(paramLabel = "CONNECTION_FILE", arity = "0..1", description = "The connection file Jupyter writes ({connection_file} in the kernelspec).")
    Path connectionFile;

    @Option(names = "--warm-up", description = "Connect on free local ports, start a session, run a cell and draw a figure, then exit: "
            + "checks the kernel works (./jbang notebook does it once, so that Jupyter finds it built, with its class-data archive).")
    boolean warmUp;

    public static void main(String... args) {
        System.exit(Cli.run(new kernel(), args));   // (exits the JVM: JShell's and ND4J's threads do not hold it)
    }

    @Override
    public Integer call() throws Exception {
        if (warmUp) return warmUp();
        Cli.require(connectionFile != null, "CONNECTION_FILE is missing: Jupyter starts the kernel with one (./jbang notebook installs it)");
        Cli.require(Files.isRegularFile(connectionFile), "CONNECTION_FILE: no file " + connectionFile);
        var kernel = new Kernel();
        var properties = KernelConnectionProperties.parse(Files.readString(connectionFile));
        var connection = new JupyterConnection(properties);
        kernel.becomeHandlerForConnection(connection);
        connection.connect();   // from here kernel_info is answered, while the session starts
        log("connected");
        kernel.start();
        kernel.onStartup();
        ParentWatch.start(kernel, connection);
        connection.waitUntilClose();
        return Cli.OK;
    }

    /**
     * Everything a kernel's start loads, once, without Jupyter: a connection on free local ports, a session, ND4J, a cell
     * and a figure. The first run after a build writes JBang's class-data archive (//CDS) of what it loaded, which every
     * later start maps instead of loading those classes again.
     */
    static int warmUp() throws Exception {
        var kernel = new Kernel();
        var connection = new JupyterConnection(new KernelConnectionProperties("127.0.0.1", freePort(), freePort(), freePort(), freePort(),
                freePort(), "tcp", "hmac-sha256", java.util.UUID.randomUUID().toString()));
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        var session = Kernel.newSession();
        Kernel.loadNd4j();
        Session.Value value = session.run("var x = 6 * 7;\nx", "In [1]");
        Kernel.displayData(Figures.bundle(Charts.lines("warm-up", "x", "y", List.of(new Charts.Line("y", new double[] {0, 1}, new double[] {0, 1})))));
        connection.close();
        session.close();
        System.out.println("kernel: a session started and ran a cell (x = " + value.text() + ")");
        return Cli.OK;
    }

    static int freePort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** With MOONS_KERNEL_LOG=1: what the kernel does when, in ms since the JVM started, on stderr (the notebook server's log). */
    static final boolean LOG = "1".equals(System.getenv("MOONS_KERNEL_LOG"));
    static final PrintStream STDERR = System.err;

    static void log(String what) {
        if (LOG) STDERR.printf(java.util.Locale.ROOT, "kernel: %6d ms %s%n", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(), what);
    }

    /** The kernel: jjava-jupyter's protocol handling, JShell's evaluation, and what 1.0-a6 leaves out. */
    static final class Kernel extends BaseKernel {
        static final String NAME = "moons", VERSION = Version.TOOLKIT;
        private final CompletableFuture<Session> session = new CompletableFuture<>();
        private final History history = new History();

        Kernel() {
            super(NAME, VERSION, new LanguageInfo.Builder("java").version(Runtime.version().toString()).mimetype("text/x-java-source")
                            .fileExtension(".jsh").pygments("java").codemirror("text/x-java").build(),
                    List.of(), null, new KernelIO(), new CommManager(), new Renderer(), null, new MagicsRegistry(), false,
                    new StringStyler.Builder().build());
        }

        /**
         * Starts JShell and ND4J, each on a thread of its own (each is ~1 s of loading); the first cell waits for both. Not
         * before the connection: on a busy machine they would slow kernel_info down (measured).
         */
        void start() {
            Show.inline(this::showFigure);
            Notebook.onClearOutput(((KernelIO) io)::clear);
            var jshell = CompletableFuture.supplyAsync(Kernel::newSession, Kernel::daemon);
            CompletableFuture.runAsync(Kernel::loadNd4j, Kernel::daemon).thenCombine(jshell, (ignored, s) -> s).whenComplete((s, e) -> {
                if (e != null) session.completeExceptionally(e);
                else session.complete(s);
                log("ready for cells");
            });
        }

        static void daemon(Runnable task) {
            Thread t = new Thread(task, "kernel start");
            t.setDaemon(true);
            t.start();
        }

        /** A session with the JDK's usual imports and the toolkit's, as ./jbang shell has them. */
        static Session newSession() {
            var imports = new ArrayList<>(Session.JSHELL_DEFAULT_IMPORTS);
            imports.addAll(Imports.toolkit(kernel.class));
            var session = new Session(System.getProperty("java.class.path"), imports);
            log("JShell started");
            return session;
        }

        /**
         * ND4J loaded, on one thread as the scripts train: here, not in a cell, so that its threads do not belong to a cell
         * that an interrupt stops. (Figures are not warmed up alongside: loading Java2D's native library while JavaCPP
         * looks up OpenBLAS's functions can deadlock in glibc, see Nd4jSetup.oneThreadHere.)
         */
        static void loadNd4j() {
            Nd4jSetup.threads(1);
            log("ND4J loaded");
        }

        Session session() {
            try {
                return session.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the session started");
            } catch (ExecutionException e) {
                throw new IllegalStateException("the Java session did not start: " + e.getCause(), e.getCause());
            }
        }

        /** A figure from Show.*: display data under the running cell (dropped between cells). */
        void showFigure(Object figure) {
            io.display.display(displayData(Figures.bundle(figure)));
        }

        static DisplayData displayData(Figures.Bundle bundle) {
            var data = new DisplayData();
            bundle.data().forEach(data::putData);
            bundle.metadata().forEach(data::putMetaData);
            return data;
        }

        @Override
        protected void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
            commManager.setMessageContext(message);
            ExecuteRequest request = message.getContent();
            boolean stored = request.shouldStoreHistory() && !request.isSilent();
            int count = stored ? executionCount.getAndIncrement() : executionCount.get();
            env.setBusyDeferIdle();
            env.publish(new PublishExecuteInput(request.getCode(), count));
            replaceOutputStreams(env);   // System.out and System.err go to this cell until its reply is sent
            var kernelIO = (KernelIO) io;
            kernelIO.attach(env, request.isStdinEnabled());
            env.defer(() -> kernelIO.detach(env));
            try {
                Session cells = session();
                log("cell " + count + " starts");
                Session.Value value = cells.run(request.getCode(), "In [" + count + "]");
                log("cell " + count + " done");
                kernelIO.flush();
                if (value != null && !request.isSilent()) env.publish(new PublishExecuteResult(count, render(value)));
                if (stored) history.add(count, request.getCode(), value == null ? "" : value.text());
                env.defer().reply(new ExecuteReply(count, Map.of()));
            } catch (RuntimeException e) {
                kernelIO.flush();
                CellError error = e instanceof CellError c ? c : new CellError(e.getClass().getName(), String.valueOf(e.getMessage()),
                        List.of("the kernel failed (a bug): " + e));
                if (stored) history.add(count, request.getCode(), "");
                env.publish(new PublishError(error.name(), error.getMessage(), error.traceback()));
                ErrorReply reply = new ErrorReply(error.name(), error.getMessage(), error.traceback());
                reply.setExecutionCount(count);
                env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
            }
        }

        /** A cell's value: a figure as PNG (and SVG), anything else as the text JShell shows for it. */
        static DisplayData render(Session.Value value) {
            if (Figures.isFigure(value.object())) return displayData(Figures.bundle(value.object()));
            return new DisplayData(value.text());
        }

        @Override
        public Object evalRaw(String source) {
            Session.Value value = session().run(source, "eval");
            return value == null ? null : value.object();
        }

        @Override
        public DisplayData inspect(String code, int at, boolean extraDetail) {
            String text = session().inspect(code, at, extraDetail);
            return text == null ? null : new DisplayData(text);
        }

        @Override
        public ReplacementOptions complete(String code, int at) {
            Session.Completions c = session().complete(code, at);
            return new ReplacementOptions(c.matches(), c.start(), c.end());
        }

        @Override
        public String isComplete(String code) {
            String status = session().isComplete(code);
            return switch (status) {
                case "complete" -> IS_COMPLETE_YES;
                case "invalid" -> IS_COMPLETE_BAD;
                case "incomplete" -> "    ";   // incomplete: the indent of the next line
                default -> IS_COMPLETE_MAYBE;
            };
        }

        @Override
        public void interrupt() {
            if (session.isDone() && !session.isCompletedExceptionally()) session.join().stop();
        }

        @Override
        public void onShutdown(boolean restarting) {
            interrupt();
            super.onShutdown(restarting);
        }

        // ---- what jjava-jupyter 1.0-a6 leaves out ----

        @Override
        public void becomeHandlerForConnection(JupyterConnection connection) {
            super.becomeHandlerForConnection(connection);
            connection.setHandler(MessageType.COMM_INFO_REQUEST, (env, message) -> {
                env.setBusyDeferIdle();
                reply(env, MessageType.COMM_INFO_REPLY, content("comms", Map.of()));
            });
        }

        @Override
        protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
            log("kernel_info");
            env.setBusyDeferIdle();
            reply(env, MessageType.KERNEL_INFO_REPLY, content("protocol_version", Header.PROTOCOL_VERISON, "implementation", NAME,
                    "implementation_version", VERSION, "language_info", getLanguageInfo(), "banner", getBanner()
                            + "\nThe toolkit is imported: try var data = TwoMoons.lecture();", "help_links", List.of(), "debugger", false));
        }

        @Override
        protected void handleShutdownRequest(ShellReplyEnvironment env, Message<ShutdownRequest> message) {
            boolean restart = message.getContent().isRestart();
            env.setBusyDeferIdle();
            env.defer();
            reply(env, MessageType.SHUTDOWN_REPLY, content("restart", restart));
            onShutdown(restart);
            env.resolveDeferrals();
            env.markForShutdown();
        }

        @Override
        protected void handleInterruptRequest(ShellReplyEnvironment env, Message<InterruptRequest> message) {
            env.setBusyDeferIdle();
            reply(env, MessageType.INTERRUPT_REPLY, content());
            interrupt();
        }

        @Override
        protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
            HistoryRequest request = message.getContent();
            env.setBusyDeferIdle();
            List<History.Entry> entries = switch (request.getAccessType()) {
                case TAIL -> history.tail(((HistoryRequest.Tail) request).getMaxReturnLength());
                case RANGE -> {
                    var range = (HistoryRequest.Range) request;
                    yield history.range(range.getSessionIndex(), range.getStart(), range.getStop());
                }
                case SEARCH -> {
                    var search = (HistoryRequest.Search) request;
                    yield history.search(search.getPattern(), search.getMaxReturnLength(), search.filterUnique());
                }
            };
            var rows = new ArrayList<List<Object>>();
            for (History.Entry e : entries) {
                rows.add(List.of(History.SESSION, e.count(), request.includeOutput() ? List.of(e.input(), e.output()) : e.input()));
            }
            reply(env, MessageType.HISTORY_REPLY, content("history", rows));
        }

        /** A reply with status "ok" and these keys and values. */
        static Map<String, Object> content(Object... keysAndValues) {
            var content = new LinkedHashMap<String, Object>();
            content.put("status", "ok");
            for (int i = 0; i < keysAndValues.length; i += 2) content.put((String) keysAndValues[i], keysAndValues[i + 1]);
            return content;
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        static void reply(ShellReplyEnvironment env, MessageType<?> type, Map<String, Object> content) {
            env.reply(new Message(env.getContext(), type, content));
        }
    }

    /** The cell's streams: jjava-jupyter's, attached to the running request (its attach methods are protected). */
    static final class KernelIO extends JupyterIO {
        private volatile ShellReplyEnvironment env;

        KernelIO() {
            super(java.nio.charset.StandardCharsets.UTF_8);
        }

        void attach(ShellReplyEnvironment env, boolean stdin) {
            setEnv(env);
            setJupyterInEnabled(stdin);
            this.env = env;
        }

        void detach(ShellReplyEnvironment env) {
            flush();
            retractEnv(env);
            if (this.env == env) this.env = null;
        }

        /** Clears the running cell's output once the next output comes (so that a figure redrawn in a loop does not flicker). */
        void clear() {
            flush();
            ShellReplyEnvironment current = env;
            if (current != null) current.publish(PublishClearOutput.BEFORE_NEXT_OUTPUT);
        }

        /** Sends what was printed without a line break yet (print, printf), before the result or the error. */
        void flush() {
            out.flush();
            err.flush();
        }
    }

    /** The session's cells for history requests: one session, numbered by execution count. */
    static final class History {
        static final int SESSION = 1;

        record Entry(int count, String input, String output) {}

        private final List<Entry> entries = new ArrayList<>();

        synchronized void add(int count, String input, String output) {
            entries.add(new Entry(count, input, output));
        }

        synchronized List<Entry> tail(int n) {
            return List.copyOf(entries.subList(Math.max(0, entries.size() - Math.max(n, 0)), entries.size()));
        }

        /** Cells {@code start <= count < stop} of this session (0 or {@value #SESSION}); stop 0: to the end. */
        synchronized List<Entry> range(int session, int start, int stop) {
            if (session != 0 && session != SESSION) return List.of();
            return entries.stream().filter(e -> e.count() >= start && (stop <= 0 || e.count() < stop)).toList();
        }

        /** The last {@code n} cells whose input matches the glob {@code pattern} (sqlite's: *, ?, [...]), each input once if {@code unique}. */
        synchronized List<Entry> search(String pattern, int n, boolean unique) {
            Pattern regex = Pattern.compile(globToRegex(pattern), Pattern.DOTALL);
            var found = new ArrayList<Entry>();
            var seen = new java.util.HashSet<String>();
            for (int i = entries.size() - 1; i >= 0 && (n <= 0 || found.size() < n); i--) {
                Entry e = entries.get(i);
                if (regex.matcher(e.input()).matches() && (!unique || seen.add(e.input()))) found.add(0, e);
            }
            return found;
        }

        static String globToRegex(String glob) {
            var regex = new StringBuilder();
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    case '[' -> {
                        int end = glob.indexOf(']', i + 1);
                        if (end < 0) {
                            regex.append("\\[");
                        } else {
                            String set = glob.substring(i + 1, end).replace("\\", "\\\\").replace("[", "\\[").replace("&", "\\&");
                            regex.append('[').append(set).append(']');   // [^...] negates, in both
                            i = end;
                        }
                    }
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return regex.toString();
        }
    }

    /**
     * Ends the kernel when the process that started it is gone (the notebook server, a console): Jupyter puts its pid in
     * JPY_PARENT_PID. Without it, the parent process is watched, unless that is init (a kernel started by hand).
     */
    static final class ParentWatch {
        static void start(Kernel kernel, JupyterConnection connection) {
            long pid;
            try {
                pid = Long.parseLong(System.getenv().getOrDefault("JPY_PARENT_PID", "").strip());
            } catch (NumberFormatException e) {
                pid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
            }
            var parent = ProcessHandle.of(pid).orElse(null);
            if (parent == null || pid <= 1) return;
            Thread watch = new Thread(() -> {
                while (parent.isAlive()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
                err.println("kernel: the process that started it (pid " + parent.pid() + ") is gone; shutting down");
                kernel.onShutdown(false);
                Runtime.getRuntime().halt(0);
            }, "parent watch");
            watch.setDaemon(true);
            watch.start();
        }
    }
}
