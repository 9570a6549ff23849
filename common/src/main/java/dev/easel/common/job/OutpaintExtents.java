package dev.easel.common.job;

/** How many pixels an outpaint job adds on each side of the input image. */
public record OutpaintExtents(int left, int right, int top, int bottom) {

    public OutpaintExtents {
        if (left < 0 || right < 0 || top < 0 || bottom < 0) {
            throw new IllegalArgumentException("outpaint extents must not be negative");
        }
    }
}
