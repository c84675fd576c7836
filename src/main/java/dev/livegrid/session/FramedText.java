package dev.livegrid.session;

import java.nio.ByteBuffer;

/**
 * A text message and, once a {@link FrameChannel} first asks for it, its frame: one message offered to
 * every member of a sheet is framed once and the same bytes are written to each of them.
 */
final class FramedText {

    /**
     * The last one made. A broadcast makes its members' update and its author's ack from the same
     * string one after the other: they share one frame. A race only costs a second frame.
     */
    private static volatile FramedText last;
    /** The longest text whose frame is kept for sharing, in chars (a presence list of some thousand users). */
    private static final int MAX_KEPT = 256 * 1024;

    private final String text;
    private volatile ByteBuffer frame;

    private FramedText(String text) {
        this.text = text;
    }

    static FramedText of(String text) {
        FramedText previous = last;
        if (previous != null && previous.text == text) { // the same string object, not merely equal
            return previous;
        }
        FramedText made = new FramedText(text);
        last = made;
        return made;
    }

    /**
     * The frame, with a position and limit of its own; encoded on first use (twice at worst, by racing
     * threads). A large text (a welcome, for one joiner) is framed afresh each time and never kept:
     * {@link #last} would otherwise hold its frame until the next message.
     */
    ByteBuffer frame() {
        ByteBuffer f = frame;
        if (f == null) {
            f = ServerFrames.text(text);
            if (text.length() <= MAX_KEPT) {
                frame = f;
            }
        }
        return f.duplicate();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FramedText t && t.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }
}
