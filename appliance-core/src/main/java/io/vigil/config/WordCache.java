package io.vigil.config;

/**
 * Shares the String of words that repeat (keywords, "3", "/health", "TCP") across a configuration: a generated
 * keepalived.conf with 40,000 real servers has a few hundred distinct short words, so the model holds one copy
 * of each. Looked up by the characters in the lexer's buffer, so a repeated word costs no allocation.
 */
final class WordCache {
    private static final int MAX_ENTRIES = 1 << 16;

    private String[] table = new String[1024];
    private int size;

    String intern(CharSequence w) {
        int h = hash(w);
        int mask = table.length - 1;
        for (int i = h & mask; ; i = (i + 1) & mask) {
            String s = table[i];
            if (s == null) {
                String created = w.toString();
                if (size >= MAX_ENTRIES) return created; // a file of unique words: stop caching
                table[i] = created;
                if (++size * 2 > table.length) grow();
                return created;
            }
            if (s.length() == w.length() && same(s, w)) return s;
        }
    }

    private static boolean same(String s, CharSequence w) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) != w.charAt(i)) return false;
        return true;
    }

    private static int hash(CharSequence w) {
        int h = 0;
        for (int i = 0; i < w.length(); i++) h = 31 * h + w.charAt(i);
        return h ^ (h >>> 16);
    }

    private void grow() {
        String[] old = table;
        table = new String[old.length * 2];
        int mask = table.length - 1;
        for (String s : old) {
            if (s == null) continue;
            int i = hash(s) & mask;
            while (table[i] != null) i = (i + 1) & mask;
            table[i] = s;
        }
    }
}
