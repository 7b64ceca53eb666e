package plot;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A figure before it becomes pixels: its size in figure units and how to paint it, so that it can be drawn at any
 * scale or as SVG. {@link Show} hands these to the notebook kernel, which shows them under the cell.
 */
public record Drawing(String name, int width, int height, Consumer<Graphics2D> painter) {
    /** A white RGB image, {@code scale} pixels per figure unit. */
    public BufferedImage image(int scale) {
        return Charts.render(width, height, scale, painter);
    }

    /** The figure as an SVG document, as the scripts write it beside their PNGs. */
    public String svg() {
        var out = new ByteArrayOutputStream();
        try {
            Charts.svgDocument(width, height, painter).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Drawing[" + name + ", " + width + " x " + height + "]";
    }
}
