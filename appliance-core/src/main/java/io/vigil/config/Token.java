package io.vigil.config;

import io.vigil.check.api.SourceLocation;

/** A lexical token of keepalived.conf after comments, conditionals, parameters and includes are processed. */
record Token(Kind kind, String text, SourceLocation where) {
    enum Kind { WORD, OPEN, CLOSE, EOL }

    @Override public String toString() { return kind == Kind.WORD ? text : kind.name(); }
}
