package dev.parley.platform;

/**
 * Whether a text shows anything: one made only of white space and characters that draw nothing (format characters
 * such as zero-width spaces and joiners, bidi marks, the BOM, word joiners and tag characters; variation selectors
 * and the combining grapheme joiner with nothing to modify; Hangul fillers; the blank Braille pattern; control
 * characters) is an empty bubble to every reader. Text that shows something is kept byte for byte, invisible
 * characters included (a ZWJ inside an emoji sequence, a bidi mark in Arabic text).
 */
public final class VisibleText {
    private VisibleText() {}

    /** True when {@code s} has at least one character that is not blank or invisible. */
    public static boolean showsSomething(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!invisible(cp)) return true;
            i += Character.charCount(cp);
        }
        return false;
    }

    static boolean invisible(int cp) {
        if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) return true;
        int type = Character.getType(cp);
        if (type == Character.FORMAT || type == Character.CONTROL) return true; // ZWSP, ZWNJ, ZWJ, LRM, RLM, bidi, BOM, tags...
        return (cp >= 0xFE00 && cp <= 0xFE0F)       // variation selectors
                || (cp >= 0xE0100 && cp <= 0xE01EF) // variation selectors supplement
                || (cp >= 0x180B && cp <= 0x180F)   // Mongolian free variation selectors and vowel separator
                || cp == 0x034F                     // combining grapheme joiner
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 // Hangul fillers
                || cp == 0x2800;                    // Braille pattern blank
    }
}
