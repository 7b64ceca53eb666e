package notebook;

/**
 * For the notebooks' cells: how much work to do. A notebook trains as its script does ({@code Notebook.epochs(1000)}
 * is 1000); CI sets {@code NOTEBOOK_EPOCHS} to run every notebook short, as d2l-java's CI does.
 */
public final class Notebook {
    private Notebook() {}

    /** The environment variable that caps the epochs of every notebook (CI: a few). */
    public static final String EPOCHS = "NOTEBOOK_EPOCHS";

    /** {@code epochs}, or fewer when {@value #EPOCHS} asks for fewer. */
    public static int epochs(int epochs) {
        String cap = System.getenv(EPOCHS);
        if (cap == null || cap.isBlank()) return epochs;
        try {
            return Math.max(1, Math.min(epochs, Integer.parseInt(cap.strip())));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(EPOCHS + " must be a positive integer, got '" + cap + "'");
        }
    }
}
