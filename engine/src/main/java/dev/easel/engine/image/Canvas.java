package dev.easel.engine.image;

import dev.easel.common.validation.DataUrlImageInspector;
import dev.easel.engine.InvalidInputException;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Pixel work between the API's images and the model's tensors: conversion to and from the [-1, 1]
 * planar float layout the VAE uses, resizing, cropping and canvas growth. Images are always
 * {@code TYPE_INT_RGB}; alpha is flattened onto white.
 */
public final class Canvas {

    /** The most pixels a canvas may have, whatever a request asks: as many as an input image may have. */
    public static final long MAX_PIXELS = DataUrlImageInspector.DEFAULT_MAX_PIXELS;

    private Canvas() {
    }

    /** A copy of {@code image} as opaque RGB (transparent pixels over white). */
    public static BufferedImage rgb(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }

    /** {@code image} scaled to exactly {@code width}×{@code height} (bicubic); the same image when already that size. */
    public static BufferedImage resize(BufferedImage image, int width, int height) {
        if (image.getWidth() == width && image.getHeight() == height) {
            return rgb(image);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /** The pixels of {@code area}, copied. */
    public static BufferedImage crop(BufferedImage image, Rectangle area) {
        BufferedImage out = new BufferedImage(area.width, area.height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[area.width];
        for (int y = 0; y < area.height; y++) {
            image.getRGB(area.x, area.y + y, area.width, 1, row, 0, area.width);
            out.setRGB(0, y, area.width, 1, row, 0, area.width);
        }
        return out;
    }

    /**
     * A larger canvas with {@code image} placed at ({@code left}, {@code top}); the new border repeats
     * the nearest edge pixel, which gives the VAE a plausible start for the area to be generated.
     */
    public static BufferedImage extend(BufferedImage image, int left, int right, int top, int bottom) {
        long wide = (long) image.getWidth() + left + right;
        long high = (long) image.getHeight() + top + bottom;
        if (wide * high > MAX_PIXELS) {
            // Whatever the request says: the canvas is allocated whole before anything resizes it.
            throw new InvalidInputException("image_too_large", "outpaint", "the grown canvas " + wide + "×" + high
                    + " exceeds " + MAX_PIXELS + " pixels");
        }
        int w = (int) wide;
        int h = (int) high;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            int sy = Math.clamp(y - top, 0, image.getHeight() - 1);
            for (int x = 0; x < w; x++) {
                int sx = Math.clamp(x - left, 0, image.getWidth() - 1);
                out.setRGB(x, y, image.getRGB(sx, sy));
            }
        }
        return out;
    }

    /** Planar RGB in [-1, 1] ({@code [3, H, W]}) of each image, concatenated. */
    public static float[] toTensor(BufferedImage... images) {
        int w = images[0].getWidth();
        int h = images[0].getHeight();
        int plane = w * h;
        float[] out = new float[images.length * 3 * plane];
        int[] argb = new int[plane];
        for (int b = 0; b < images.length; b++) {
            images[b].getRGB(0, 0, w, h, argb, 0, w);
            int base = b * 3 * plane;
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                out[base + i] = ((p >> 16) & 0xFF) / 127.5f - 1f;
                out[base + plane + i] = ((p >> 8) & 0xFF) / 127.5f - 1f;
                out[base + 2 * plane + i] = (p & 0xFF) / 127.5f - 1f;
            }
        }
        return out;
    }

    /** Image {@code index} of a planar [-1, 1] batch, clipped and rounded to 8 bits (diffusers' postprocess). */
    public static BufferedImage fromTensor(float[] pixels, int index, int width, int height) {
        int plane = width * height;
        int base = index * 3 * plane;
        int[] argb = new int[plane];
        for (int i = 0; i < plane; i++) {
            argb[i] = (channel(pixels[base + i]) << 16) | (channel(pixels[base + plane + i]) << 8) | channel(pixels[base + 2 * plane + i]);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        // The raster stores TYPE_INT_RGB pixels as these very ints; setRGB would convert each through the colour model.
        out.getRaster().setDataElements(0, 0, width, height, argb);
        return out;
    }

    private static int channel(float v) {
        float unit = Math.clamp(v / 2f + 0.5f, 0f, 1f);
        return Math.round(unit * 255f);
    }
}
