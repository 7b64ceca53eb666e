package notebook;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.VarSnippet;
import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * A JShell session for a notebook: a cell in, its value out. The snippets run in this JVM (JShell's
 * {@link LocalExecutionControl}), so a cell's value is the object itself, and a chart can be drawn from it. A cell holds
 * any number of statements and declarations, run one after the other; when the last one is an expression, its value is
 * the cell's. A compiler error or an exception stops the cell and is reported in the cell's own line numbers
 * ({@link CellError}); {@link #stop} interrupts a running cell, and what earlier snippets defined stays.
 */
public final class Session implements AutoCloseable {
    /** What JShell's tool imports by default (its DEFAULT startup); JShell's API imports nothing. */
    public static final List<String> JSHELL_DEFAULT_IMPORTS = List.of("java.io.*", "java.math.*", "java.net.*", "java.nio.file.*",
            "java.util.*", "java.util.concurrent.*", "java.util.function.*", "java.util.prefs.*", "java.util.regex.*", "java.util.stream.*");

    /** A cell's value: the object and JShell's text for it (strings quoted, arrays listed). */
    public record Value(Object object, String text) {}

    /** Completions of the text between {@code start} and {@code end} (the cursor). */
    public record Completions(List<String> matches, int start, int end) {}

    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private Local local;
    /** Where each snippet came from, by JShell's snippet id: for traces in the cells' own line numbers. */
    private final Map<String, Origin> origins = new HashMap<>();
    private final Map<String, String> cells = new HashMap<>();
    /** The imports the session started with: signatures name their types without their packages. */
    private final List<String> imports = new ArrayList<>(List.of("java.lang.*"));
    private volatile boolean running, stopRequested;

    /** Where a snippet starts: its cell's label (e.g. {@code In [3]}) and the 0-based offset in that cell. */
    private record Origin(String cell, int offset) {}

    /**
     * A session that compiles against {@code classPath} and starts with {@code imports} (e.g. {@code java.util.*}). Its
     * snippets are loaded by a class loader whose parent is this JVM's, which has the class path already.
     */
    public Session(String classPath, List<String> imports) {
        var builder = JShell.builder().executionEngine(new ExecutionControlProvider() {
            @Override
            public String name() {
                return "notebook-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                local = new Local();
                return local;
            }
        }, Map.of());
        if (!classPath.isEmpty()) builder.compilerOptions("--class-path", classPath);
        shell = builder.build();
        analysis = shell.sourceCodeAnalysis();
        if (!imports.isEmpty()) importAll(imports);
    }

    /**
     * The imports as one snippet, compiled once (each on its own costs javac a pass: 0.6 s of a kernel's start). JShell
     * keys an import snippet by its first import, and a user's import of the same name would replace the whole snippet:
     * that first import is one nobody writes.
     */
    private void importAll(List<String> imports) {
        this.imports.addAll(imports);
        var source = new StringBuilder("import java.lang.Object;");
        for (String name : imports) source.append(" import ").append(name).append(';');
        List<SnippetEvent> events = shell.eval(source.toString());
        if (!events.isEmpty() && events.get(0).status() == Snippet.Status.VALID) return;
        for (String name : imports) {   // which one
            SnippetEvent event = shell.eval("import " + name + ";").get(0);
            if (event.status() != Snippet.Status.VALID) {
                throw new IllegalArgumentException("cannot import " + name + ": " + shell.diagnostics(event.snippet())
                        .map(d -> d.getMessage(Locale.ROOT)).collect(Collectors.joining("; ")));
            }
        }
    }

    /**
     * Runs a cell, labelled {@code cell} in traces (e.g. {@code In [3]}): its snippets one after the other. Returns the
     * value of its last snippet when that is an expression with a non-null value, else null.
     *
     * @throws CellError a compiler error, an exception, or {@link #stop}: the snippets after it did not run
     */
    public Value run(String code, String cell) {
        cells.put(cell, code);
        stopRequested = false;
        running = true;
        try {
            SnippetEvent last = null;
            int offset = 0;
            while (offset < code.length()) {
                if (stopRequested) throw CellError.interrupted();
                String rest = code.substring(offset);
                SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
                if (info.completeness() == Completeness.EMPTY) break;   // only blanks and comments are left
                boolean whole = info.completeness().isComplete() || info.completeness() == Completeness.UNKNOWN;
                String source = whole && info.source() != null ? info.source() : rest;   // unfinished: javac says what is missing
                int consumed = whole && info.source() != null ? rest.length() - info.remaining().length() : rest.length();
                last = eval(source, cell, offset, code);
                offset += consumed;
            }
            return last == null ? null : valueOf(last);
        } finally {
            running = false;
        }
    }

    /** One snippet: the event of the snippet itself, once it ran without error. */
    private SnippetEvent eval(String source, String cell, int offset, String code) {
        List<SnippetEvent> events = shell.eval(source);
        SnippetEvent event = events.stream().filter(e -> e.causeSnippet() == null).findFirst().orElse(null);
        if (event == null) throw new CellError(CellError.COMPILATION, "JShell made nothing of it", List.of(source));
        Snippet snippet = event.snippet();
        origins.put(snippet.id(), new Origin(cell, firstToken(code, offset)));   // JShell numbers a snippet's lines from there
        if (stopRequested) throw CellError.interrupted();
        if (event.status() == Snippet.Status.REJECTED) {
            List<Diag> errors = shell.diagnostics(snippet).filter(Diag::isError).toList();
            throw CellError.compilation(cell, code, offset, errors);
        }
        if (event.exception() != null) {
            throw event.exception() instanceof EvalException e ? CellError.exception(e, this::where)
                    : new CellError(event.exception().getClass().getName(), String.valueOf(event.exception().getMessage()), List.of(
                            String.valueOf(event.exception())));
        }
        if (snippet instanceof DeclarationSnippet declaration && event.status() != Snippet.Status.VALID) {
            // e.g. a method that calls one not declared yet: JShell keeps it, to be usable once the other one exists
            List<String> missing = shell.unresolvedDependencies(declaration).toList();
            if (!missing.isEmpty()) System.err.println(declaration.name() + " is defined, but cannot be used until "
                    + String.join(", ", missing) + " " + (missing.size() == 1 ? "is" : "are") + " declared");
        }
        return event;
    }

    /** The value of the cell's last snippet, if it is an expression (not an assignment) whose value is not null. */
    private Value valueOf(SnippetEvent event) {
        Snippet snippet = event.snippet();
        VarSnippet variable = null;
        if (snippet instanceof VarSnippet v && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) variable = v;
        else if (snippet instanceof ExpressionSnippet e && snippet.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND) {
            variable = shell.variables().filter(v -> v.name().equals(e.name())).filter(v -> shell.status(v).isActive())
                    .reduce((a, b) -> b).orElse(null);
        }
        if (variable == null) return null;
        shell.varValue(variable);   // Local.varValue hands over the object
        Object object = local.read;
        local.read = null;
        return object == null ? null : new Value(object, event.value());
    }

    /** A frame of a snippet: {@code In [3] line 2} and the line's code; null for other frames. */
    private String where(StackTraceElement frame) {
        if (frame.getFileName() == null || !frame.getFileName().startsWith("#")) return null;
        Origin origin = origins.get(frame.getFileName().substring(1));
        if (origin == null) return null;
        String code = cells.getOrDefault(origin.cell(), "");
        int line = lineOf(code, origin.offset()) + Math.max(frame.getLineNumber(), 1) - 1;
        String method = frame.getMethodName() == null || frame.getMethodName().isEmpty() ? "" : " (" + frame.getMethodName() + ")";
        return origin.cell() + " line " + (line + 1) + method + ": " + lineText(code, line).strip();
    }

    /** Where the code from {@code offset} on starts, after blanks and comments. */
    static int firstToken(String code, int offset) {
        int i = offset;
        while (i < code.length()) {
            if (Character.isWhitespace(code.charAt(i))) i++;
            else if (code.startsWith("//", i)) i = code.indexOf('\n', i) < 0 ? code.length() : code.indexOf('\n', i);
            else if (code.startsWith("/*", i)) i = code.indexOf("*/", i + 2) < 0 ? code.length() : code.indexOf("*/", i + 2) + 2;
            else break;
        }
        return i;
    }

    /** The 0-based line of {@code offset} in {@code code}. */
    static int lineOf(String code, int offset) {
        int line = 0;
        for (int i = 0; i < Math.min(offset, code.length()); i++) if (code.charAt(i) == '\n') line++;
        return line;
    }

    /** Line {@code line} (0-based) of {@code code}, without its line break; empty beyond the end. */
    static String lineText(String code, int line) {
        String[] lines = code.split("\n", -1);
        return line < lines.length ? lines[line].replace("\r", "") : "";
    }

    /** What may follow the cursor: the start of the word being completed, and its continuations (e.g. {@code lecture(}). */
    public Completions complete(String code, int cursor) {
        int start = snippetStart(code, cursor);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = analysis.completionSuggestions(code.substring(start, cursor), cursor - start, anchor);
        if (suggestions.isEmpty() && start > 0) {
            // a name the cell declared before the cursor, not run yet: the cell up to the cursor as a block knows it
            suggestions = analysis.completionSuggestions("{" + code.substring(0, cursor), cursor + 1, anchor);
            start = -1;
        }
        // the ones that fit the expected type first, as JShell's tool lists them
        var matches = new LinkedHashSet<String>();
        suggestions.stream().filter(SourceCodeAnalysis.Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
        suggestions.forEach(s -> matches.add(s.continuation()));
        return new Completions(List.copyOf(matches), start + anchor[0], cursor);
    }

    /**
     * What the name at the cursor is: the signatures (and, with {@code detail}, the documentation where JShell finds the
     * sources) of the method or type there, or a variable's type and value; null when there is nothing to say.
     */
    public String inspect(String code, int cursor, boolean detail) {
        int end = Math.min(cursor, code.length()), nameStart;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) end++;   // the whole name under the cursor
        for (nameStart = end; nameStart > 0 && Character.isJavaIdentifierPart(code.charAt(nameStart - 1)); ) nameStart--;
        String name = code.substring(nameStart, end);
        if (!name.isEmpty() && (nameStart == 0 || code.charAt(nameStart - 1) != '.')) {
            var variable = shell.variables().filter(v -> v.name().equals(name) && shell.status(v).isActive()).reduce((a, b) -> b);
            if (variable.isPresent()) {
                String text = variable.get().typeName() + " " + name + " = " + shell.varValue(variable.get());
                local.read = null;
                return text;
            }
        }
        int start = snippetStart(code, end);
        String snippet = code.substring(start, end);
        List<SourceCodeAnalysis.Documentation> docs = analysis.documentation(snippet, snippet.length(), detail);
        if (docs.isEmpty()) docs = analysis.documentation(snippet + "(", snippet.length() + 1, detail);   // a method's name: its signatures
        var lines = new ArrayList<String>();
        for (SourceCodeAnalysis.Documentation d : docs) {
            lines.add(d.signature().contains(" ") ? unqualified(d.signature()) : d.signature());   // a type alone: by its full name
            if (detail && d.javadoc() != null && !d.javadoc().isBlank()) lines.add(d.javadoc().strip() + "\n");
        }
        return lines.isEmpty() ? null : String.join("\n", lines);
    }

    /** {@code text} with the types of the session's imports by their simple names ({@code nn.Mlp} as {@code Mlp}). */
    String unqualified(String text) {
        for (String name : imports) {
            String prefix = name.endsWith(".*") ? name.substring(0, name.length() - 1) : name.substring(0, name.lastIndexOf('.') + 1);
            String type = name.endsWith(".*") ? "[A-Z]\\w*" : java.util.regex.Pattern.quote(name.substring(prefix.length()));
            text = text.replaceAll("(?<![\\w.])" + java.util.regex.Pattern.quote(prefix) + "(" + type + ")\\b", "$1");
        }
        return text;
    }

    /** Where the snippet that holds {@code cursor} starts: after the last complete snippet before it. */
    private int snippetStart(String code, int cursor) {
        int start = 0;
        while (start < cursor) {
            String rest = code.substring(start, cursor);
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            if (!info.completeness().isComplete() || info.remaining().isBlank()) break;
            start += rest.length() - info.remaining().length();
        }
        return start;
    }

    /**
     * Whether the code can run as it is: {@code complete}, {@code incomplete} (an open block, a statement cut short: a
     * console waits for more lines), {@code invalid} (no Java), as Jupyter's is_complete asks.
     */
    public String isComplete(String code) {
        String rest = code;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case EMPTY:
                    return "complete";
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "incomplete";
                case UNKNOWN:
                    return "invalid";
                default:
                    if (info.remaining().length() >= rest.length()) return "complete";
                    rest = info.remaining();
            }
        }
        return "complete";
    }

    /** Stops the running cell (a no-op between cells): the snippet running ends with {@link CellError#INTERRUPTED}, the rest do not run. */
    public void stop() {
        if (!running) return;
        stopRequested = true;
        shell.stop();
    }

    /** Whether a cell is running. */
    public boolean running() {
        return running;
    }

    @Override
    public void close() {
        shell.close();
    }

    @Override
    public String toString() {
        return "Session[" + origins.size() + " snippets from " + cells.size() + " cells" + (running ? ", running" : "") + "]";
    }

    /** JShell's in-process execution, which also hands over the object of a variable that is read, not only its text. */
    private static final class Local extends LocalExecutionControl {
        Object read;

        @Override
        public String varValue(String className, String varName) throws InternalException {
            try {
                Field field = findClass(className).getDeclaredField(varName);
                field.setAccessible(true);
                read = field.get(null);
                return valueString(read);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new InternalException("cannot read " + varName + ": " + e);
            }
        }
    }
}
