import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import notebook.CellError;
import notebook.Figures;
import notebook.Imports;
import notebook.Session;

/**
 * The notebook kernel's JShell session, without Jupyter: cells of several snippets, the last value as an object, errors
 * in the cell's line numbers, completion, inspection, is_complete, and an interrupt that keeps the session's variables.
 */
class SessionTest {
    static Session session;

    @BeforeAll
    static void start() {
        var imports = new ArrayList<>(Session.JSHELL_DEFAULT_IMPORTS);
        imports.addAll(Imports.toolkit(SessionTest.class));
        session = new Session(System.getProperty("java.class.path"), imports);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    @Test
    void aCellRunsItsSnippetsInOrderAndItsLastExpressionIsItsValue() {
        Session.Value value = session.run("""
                // the lecture's data, and a net
                var data = TwoMoons.lecture();
                int n = data.train().size();   /* 800 */
                void twice() { n = 2 * n; }
                twice();
                n + data.test().size()
                """, "In [1]");
        assertEquals(1800, value.object());
        assertEquals("1800", value.text());
        // what a cell declares, the next ones use; the object itself comes back, not its text
        Session.Value net = session.run("Mlp.lecture(16, Activation.RELU, DataType.FLOAT).initLikeTorch(1)", "In [2]");
        assertEquals("nn.Mlp", net.object().getClass().getName());
        assertEquals(net.object().toString(), net.text());
        Session.Value chart = session.run("var chart = Charts.lines(\"t\", \"x\", \"y\", List.of(new Charts.Line(\"a\", new double[] {0, 1}, new double[] {1, 2})));\nchart", "In [3]");
        assertInstanceOf(XYChart.class, chart.object());
        assertTrue(Figures.isFigure(chart.object()));
        assertEquals("\"quoted\"", session.run("\"quoted\"", "In [4]").text());
    }

    @Test
    void aCellsImportAddsToTheSessionsImports() {
        session.run("import java.io.*;\nimport java.util.*;\nimport java.awt.Point;", "In [1]");
        assertEquals("[]", session.run("new ArrayList<String>()", "In [2]").text());
        assertEquals(800, session.run("TwoMoons.lecture().train().size()", "In [3]").object());
        assertEquals("java.awt.Point[x=1,y=2]", session.run("new Point(1, 2)", "In [4]").text());
    }

    @Test
    void statementsAssignmentsAndNullHaveNoValue() {
        assertNull(session.run("int k = 3;", "In [1]"));
        assertNull(session.run("int k2 = 3;\nk2 = 4", "In [2]"));
        assertNull(session.run("System.out.print(\"\")", "In [3]"));
        assertNull(session.run("String nothing = null;\nnothing", "In [4]"));
        assertNull(session.run("// only a comment\n\n", "In [5]"));
        assertEquals(4, session.run("k2", "In [6]").object());
    }

    @Test
    void anExceptionNamesTheUsersClassAndTheCellsLine() {
        CellError e = assertThrows(CellError.class, () -> session.run("""
                int a = 1;
                // a comment before the statement that fails
                int b = a / 0;
                int c = 3;
                """, "In [7]"));
        assertEquals("java.lang.ArithmeticException", e.name());
        assertEquals("/ by zero", e.getMessage());
        assertEquals(List.of("java.lang.ArithmeticException: / by zero", "    at In [7] line 3: int b = a / 0;"), e.traceback());
        // what ran before it stays, what follows it did not run
        assertEquals(1, session.run("a", "In [8]").object());
        assertThrows(CellError.class, () -> session.run("c", "In [9]"));
    }

    @Test
    void anExceptionInAMethodOfAnEarlierCellPointsThere() {
        session.run("""
                double ratio(double x) {
                    if (x == 0) throw new IllegalArgumentException("x is 0");
                    return 1 / x;
                }
                """, "In [10]");
        CellError e = assertThrows(CellError.class, () -> session.run("ratio(2);\nratio(0)", "In [11]"));
        assertEquals("java.lang.IllegalArgumentException", e.name());
        assertEquals(List.of("java.lang.IllegalArgumentException: x is 0", "    at In [10] line 2 (ratio): if (x == 0) throw new "
                + "IllegalArgumentException(\"x is 0\");", "    at In [11] line 2: ratio(0)"), e.traceback());
    }

    @Test
    void aToolkitExceptionShowsTheToolkitsFramesDownToTheCell() {
        CellError e = assertThrows(CellError.class, () -> session.run("\n\nnew Sgd(null, 0.01, 0.99)", "In [12]"));
        assertEquals("java.lang.NullPointerException", e.name());
        String last = e.traceback().get(e.traceback().size() - 1);
        assertEquals("    at In [12] line 3: new Sgd(null, 0.01, 0.99)", last);
        assertTrue(e.traceback().stream().anyMatch(l -> l.startsWith("    at nn.")), String.join("\n", e.traceback()));
    }

    @Test
    void aCompilerErrorPointsAtTheCellsLineAndColumn() {
        CellError e = assertThrows(CellError.class, () -> session.run("int ok = 1;\n  int bad = undefinedThing + 1;\n", "In [13]"));
        assertEquals(CellError.COMPILATION, e.name());
        assertEquals("cannot find symbol", e.getMessage());
        assertEquals("In [13] line 2: cannot find symbol", e.traceback().get(0));
        assertEquals("  symbol:   variable undefinedThing", e.traceback().get(1));
        assertTrue(e.traceback().contains("      int bad = undefinedThing + 1;"), String.join("\n", e.traceback()));
        assertTrue(e.traceback().contains("                ^------------^"), String.join("\n", e.traceback()));
        // the statement before it ran
        assertEquals(1, session.run("ok", "In [14]").object());
        CellError unfinished = assertThrows(CellError.class, () -> session.run("for (int i = 0; i < 3; i++) {", "In [15]"));
        assertEquals(CellError.COMPILATION, unfinished.name());
    }

    @Test
    void completionAndInspection() {
        Session.Completions c = session.complete("var m = 1;\nMlp.le", 17);
        assertEquals(List.of("lecture("), c.matches());
        assertEquals(15, c.start());
        assertEquals(17, c.end());
        // a name the cell declares before the cursor, not run yet
        String cell = "var points = TwoMoons.lecture();\nint k = 1;\npoints.tr";
        assertEquals(List.of("train()"), session.complete(cell, cell.length()).matches());
        assertEquals(cell.length() - 2, session.complete(cell, cell.length()).start());
        assertEquals("java.lang.Math", session.inspect("Math.max", 2, false));
        String doc = session.inspect("Math.max", 6, false);
        assertNotNull(doc);
        assertTrue(doc.contains("int Math.max(int a, int b)"), doc);
        assertTrue(session.inspect("Mlp.lecture(", 12, false).contains("Mlp Mlp.lecture(int"), session.inspect("Mlp.lecture(", 12, false));
        session.run("var answer = 42;", "In [16]");
        assertEquals("int answer = 42", session.inspect("answer", 3, false));
        assertNull(session.inspect("   ", 1, false));
    }

    @Test
    void isComplete() {
        assertEquals("complete", session.isComplete("int i = 1;\ni + 1"));
        assertEquals("complete", session.isComplete("// nothing"));
        assertEquals("incomplete", session.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("incomplete", session.isComplete("int x = 1;\nMath.max(1,"));
        assertEquals("invalid", session.isComplete(")"));
    }

    @Test
    void anInterruptStopsTheCellAndKeepsTheVariables() throws Exception {
        session.run("int before = 7;", "In [17]");
        var running = CompletableFuture.supplyAsync(() -> {
            try {
                return session.run("int during = 8;\nlong spins = 0;\nwhile (true) spins++;", "In [18]");
            } catch (CellError e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!session.running() && System.nanoTime() < deadline) Thread.sleep(10);
        Thread.sleep(300);
        session.stop();
        Object outcome = running.get(30, TimeUnit.SECONDS);
        CellError e = assertInstanceOf(CellError.class, outcome);
        assertEquals(CellError.INTERRUPTED, e.name());
        assertEquals(15, session.run("before + during", "In [19]").object());
        session.stop();   // between cells: nothing to stop
        assertEquals(2, session.run("1 + 1", "In [20]").object());
    }
}
