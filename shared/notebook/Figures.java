package notebook;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.internal.chartpart.Chart;
import plot.Charts;
import plot.Drawing;

/**
 * What a notebook shows for a figure, made in memory: PNG, drawn at twice the figure's size and shown at its size (crisp
 * on high-DPI screens), and SVG too when it stays small (line charts; not the confidence fields, which are pixels).
 * Figures are the toolkit's {@link Drawing}s (what {@code Show.*} makes), XChart charts and images.
 */
public final class Figures {
    private Figures() {}

    /** Pixels per figure unit of the PNG. */
    public static final int SCALE = Charts.PNG_SCALE;
    /** SVGs longer than this are left out: the PNG alone shows the figure, and the notebook stays small. */
    public static final int SVG_MAX_CHARS = 200_000;

    /** A MIME bundle: data by MIME type (base64 for PNG), and metadata by MIME type (the size to show the PNG at). */
    public record Bundle(Map<String, String> data, Map<String, Object> metadata) {
        @Override
        public String toString() {
            return "Bundle" + data.keySet() + " " + data.getOrDefault("text/plain", "");
        }
    }

    /** Whether {@link #bundle} makes a figure of {@code value}. */
    public static boolean isFigure(Object value) {
        return value instanceof Drawing || value instanceof Chart<?, ?> || value instanceof RenderedImage;
    }

    /** The bundle of a figure: a {@link Drawing}, an XChart chart or an image ({@link #isFigure}). */
    public static Bundle bundle(Object figure) {
        if (figure instanceof Chart<?, ?> chart) {
            String title = chart.getTitle() == null || chart.getTitle().isEmpty() ? "chart" : chart.getTitle();
            return bundle(Charts.drawing(title, List.of(chart), 1));
        }
        var data = new LinkedHashMap<String, String>();
        var metadata = new LinkedHashMap<String, Object>();
        if (figure instanceof Drawing drawing) {
            data.put("image/png", png(drawing.image(SCALE)));
            metadata.put("image/png", Map.of("width", drawing.width(), "height", drawing.height()));
            String svg = drawing.svg();
            if (svg.length() <= SVG_MAX_CHARS) data.put("image/svg+xml", svg);
            data.put("text/plain", drawing.toString());
        } else if (figure instanceof RenderedImage image) {
            data.put("image/png", png(image));
            data.put("text/plain", "image " + image.getWidth() + " x " + image.getHeight());
        } else {
            throw new IllegalArgumentException("not a figure: " + figure.getClass().getName());
        }
        return new Bundle(data, metadata);
    }

    /** A PNG, base64-encoded as Jupyter carries it. */
    static String png(RenderedImage image) {
        var bytes = new ByteArrayOutputStream();
        try (OutputStream out = Base64.getEncoder().wrap(bytes)) {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
