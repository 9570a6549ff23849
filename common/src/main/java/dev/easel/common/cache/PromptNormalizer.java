package dev.easel.common.cache;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Folds a prompt to the form the cache key uses, so that prompts a reader would call the same (case, spacing,
 * full-width or CJK punctuation) share cached results.
 */
public final class PromptNormalizer {

    private PromptNormalizer() {
    }

    public static String normalize(String prompt) {
        if (prompt == null) {
            return "";
        }
        // Unicode's NFKC_Casefold recipe: normalise, fold case, normalise again (folding can denormalise).
        String folded = Normalizer.normalize(prompt, Normalizer.Form.NFKC);
        folded = folded.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
        folded = Normalizer.normalize(folded, Normalizer.Form.NFKC);

        var out = new StringBuilder(folded.length());
        boolean pendingSpace = false;
        boolean previousIsCjk = false;
        for (int i = 0; i < folded.length(); ) {
            int cp = folded.codePointAt(i);
            i += Character.charCount(cp);
            if (isIgnorable(cp)) {
                continue;
            }
            if (isSpace(cp)) {
                pendingSpace = !out.isEmpty();
                continue;
            }
            String replacement = foldPunctuation(cp);
            boolean cjk = isCjk(cp);
            // Spaces carry no meaning next to CJK characters, nor before , . ; : ! ?
            if (pendingSpace && !previousIsCjk && !cjk && !isTightBefore(replacement.charAt(0))) {
                out.append(' ');
            }
            pendingSpace = false;
            out.append(replacement);
            previousIsCjk = cjk;
        }
        // Sentence-final punctuation does not change the picture asked for.
        int end = out.length();
        while (end > 0 && ".,;:".indexOf(out.charAt(end - 1)) >= 0) {
            end--;
        }
        return out.substring(0, end);
    }

    private static boolean isSpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.getType(cp) == Character.CONTROL;
    }

    // Invisible characters that editors and copy-paste insert; ZWJ stays because it joins emoji.
    private static boolean isIgnorable(int cp) {
        return cp == 0x200B || cp == 0x2060 || cp == 0xFEFF || cp == 0x00AD;
    }

    private static boolean isTightBefore(char c) {
        return ",.;:!?".indexOf(c) >= 0;
    }

    private static boolean isCjk(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        if (script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.BOPOMOFO) {
            return true;
        }
        Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
        return block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                || block == Character.UnicodeBlock.KATAKANA
                || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS
                || block == Character.UnicodeBlock.CJK_COMPATIBILITY_FORMS
                || block == Character.UnicodeBlock.VERTICAL_FORMS;
    }

    /** The ASCII stand-in for punctuation NFKC leaves alone; any other character stays itself. */
    private static String foldPunctuation(int cp) {
        return switch (cp) {
            case '。' -> ".";
            case '、' -> ",";
            case '「', '」', '『', '』', '“', '”', '„', '‟', '〝', '〞', '〟' -> "\"";
            case '‘', '’', '‚', '‛' -> "'";
            case '【', '〖', '〘' -> "[";
            case '】', '〗', '〙' -> "]";
            case '〔' -> "(";
            case '〕' -> ")";
            case '《', '〈' -> "<";
            case '》', '〉' -> ">";
            case '〜' -> "~";
            case '‐', '‑', '‒', '–', '—', '―', '−' -> "-";
            case '⋯' -> "...";
            default -> Character.toString(cp);
        };
    }
}
