import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.BadInputException;
import notebook.Kernelspec;

/**
 * notebooks/ as stored (no Jupyter needed): one notebook per step of the sheet, each on the toolkit's kernel, stored
 * without outputs; and the kernelspec ./jbang notebook installs and removes.
 */
class NotebooksTest {
    static final Path CHECKOUT = Path.of("").toAbsolutePath();
    static final Path NOTEBOOKS = CHECKOUT.resolve("notebooks");
    /** The sheet's steps, in order: the vanishing gradient (lecture, deep, gradnorms, depth), backprop by hand (forward, backward, training). */
    static final List<String> STEPS = List.of("1-lecture", "2-deep", "3-gradnorms", "4-depth", "5-forward", "6-backward", "7-train-manual");

    static List<Path> notebooks() throws Exception {
        try (Stream<Path> files = Files.list(NOTEBOOKS)) {
            return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
        }
    }

    @Test
    void oneNotebookPerStepOfTheSheet() throws Exception {
        assertEquals(STEPS.stream().map(s -> s + ".ipynb").toList(), notebooks().stream().map(p -> p.getFileName().toString()).toList());
    }

    /** Outputs are stripped, consistently: no outputs, no execution counts, no cell metadata (Jupyter's "Clear output" state). */
    @Test
    void everyNotebookIsStoredWithoutOutputsOnTheToolkitsKernel() throws Exception {
        for (Path nb : notebooks()) {
            JsonObject json = JsonParser.parseString(Files.readString(nb)).getAsJsonObject();
            assertEquals(4, json.get("nbformat").getAsInt(), nb.toString());
            JsonObject spec = json.getAsJsonObject("metadata").getAsJsonObject("kernelspec");
            assertEquals(Kernelspec.NAME, spec.get("name").getAsString(), nb + ": runs on the toolkit's kernel");
            assertEquals("java", spec.get("language").getAsString(), nb.toString());
            JsonArray cells = json.getAsJsonArray("cells");
            assertTrue(cells.get(0).getAsJsonObject().get("cell_type").getAsString().equals("markdown"), nb + " starts with its explanation");
            int code = 0, markdown = 0;
            var ids = new ArrayList<String>();
            for (JsonElement e : cells) {
                JsonObject cell = e.getAsJsonObject();
                ids.add(cell.get("id").getAsString());
                assertEquals(0, cell.getAsJsonObject("metadata").size(), nb + ": cell metadata");
                if (cell.get("cell_type").getAsString().equals("code")) {
                    code++;
                    assertTrue(cell.get("execution_count").isJsonNull(), nb + ": an execution count is stored");
                    assertEquals(0, cell.getAsJsonArray("outputs").size(), nb + ": outputs are stored; clear them (Cell > All Output > Clear)");
                } else {
                    markdown++;
                }
            }
            assertEquals(ids.size(), ids.stream().distinct().count(), nb + ": cell ids are unique");
            assertTrue(code >= 2 && markdown >= 2, nb + ": markdown-led, short code cells");
        }
    }

    @Test
    void theKernelspecStartsThisCheckoutsKernelAndIsInterruptedByMessage(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("kernels").resolve(Kernelspec.NAME);
        Path file = Kernelspec.install(dir, CHECKOUT);
        JsonObject spec = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        JsonArray argv = spec.getAsJsonArray("argv");
        assertEquals(List.of(CHECKOUT.resolve("jbang").toString(), CHECKOUT.resolve("scripts/kernel.java").toString(), "{connection_file}"),
                argv.asList().stream().map(JsonElement::getAsString).toList());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertEquals("java", spec.get("language").getAsString());
        assertEquals(Kernelspec.DISPLAY_NAME, spec.get("display_name").getAsString());
        // installing again replaces it; uninstalling removes it and its folder, once
        Kernelspec.install(dir, CHECKOUT);
        assertTrue(Kernelspec.uninstall(dir).startsWith("removed"));
        assertFalse(Files.exists(dir));
        assertTrue(Kernelspec.uninstall(dir).contains("not installed"));
        // a kernel of the same name that someone else installed is left alone
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kernel.json"), "{\"argv\": [\"other\"], \"display_name\": \"other\", \"language\": \"java\"}");
        assertThrows(BadInputException.class, () -> Kernelspec.install(dir, CHECKOUT));
        assertThrows(BadInputException.class, () -> Kernelspec.uninstall(dir));
        assertTrue(Files.readString(dir.resolve("kernel.json")).contains("other"));
    }

    @Test
    void withoutJupyterItSaysHowToInstallAndStartIt() {
        assertNull(Kernelspec.jupyter("/nonexistent"));
        List<String> lines = Kernelspec.withoutJupyter(NOTEBOOKS);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).endsWith(Files.isExecutable(Path.of("/usr/bin/apt-get")) ? "apt-get install jupyter-notebook"
                : "pip install --user notebook"), lines.get(0));
        assertTrue(lines.get(1).contains("jupyter notebook " + NOTEBOOKS), lines.get(1));
    }
}
