package io.vigil.config;

import java.time.Duration;
import java.util.Optional;

/**
 * The checker options virtual_server, real_server and every checker block share (connect_timeout, retry,
 * delay_before_retry, warmup, delay_loop, alpha): declared once in {@link #shared} and read the same way at the
 * three levels, each level starting from the values its parent hands down.
 */
abstract class CheckOptionsBuilder extends BlockBuilder {
    /** Checker option defaults a virtual_server or real_server hands down. */
    record CheckDefaults(Optional<Duration> connectTimeout, Optional<Integer> retry, Optional<Duration> delayBeforeRetry,
                         Optional<Duration> warmup, Duration delayLoop, Optional<Boolean> alpha) {
        static final CheckDefaults NONE = new CheckDefaults(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Duration.ofSeconds(60), Optional.empty());
    }

    /** Where the options are written: the page's wording and the fallback a bad value falls back to. */
    enum Level { VIRTUAL_SERVER, REAL_SERVER, CHECKER }

    final CheckDefaults parent;
    Optional<Duration> connectTimeout, delayBeforeRetry, warmup;
    Optional<Integer> retry;
    Duration delayLoop;
    Optional<Boolean> alpha;

    CheckOptionsBuilder(Ctx cx, CheckDefaults parent) {
        super(cx);
        this.parent = parent;
        connectTimeout = parent.connectTimeout();
        retry = parent.retry();
        delayBeforeRetry = parent.delayBeforeRetry();
        warmup = parent.warmup();
        delayLoop = parent.delayLoop();
        alpha = parent.alpha();
    }

    CheckDefaults defaults() { return new CheckDefaults(connectTimeout, retry, delayBeforeRetry, warmup, delayLoop, alpha); }

    /**
     * The shared entries at {@code level}. A bad value falls back to the parent's value (delay_loop: to the value
     * before it); virtual_server reads its own {@code alpha}, which is not a plain inherited default.
     */
    static <B extends CheckOptionsBuilder> KeywordTable<B> shared(KeywordTable<B> t, Level level) {
        String inherited = level == Level.CHECKER ? "" : "inherited by the checkers";
        String model = level == Level.CHECKER ? null : "(checker default)";
        String fallback = switch (level) {
            case VIRTUAL_SERVER -> null; // per keyword, below
            case REAL_SERVER -> "using the virtual server's";
            case CHECKER -> "using the default";
        };
        boolean vs = level == Level.VIRTUAL_SERVER;
        t.acted("connect_timeout", inherited, model != null ? model : "connectTimeout", (b, c) -> b.connectTimeout =
                        b.v.timer(c, 0.000001, 86400, vs ? "using 5" : fallback).or(b.parent::connectTimeout))
                .acted("retry", inherited, model != null ? model : "retry", (b, c) -> b.retry =
                        b.v.int32(c, 0, Integer.MAX_VALUE, vs ? "using the checker default" : fallback).or(b.parent::retry))
                .acted("delay_before_retry", inherited, model != null ? model : "delayBeforeRetry", (b, c) -> b.delayBeforeRetry =
                        b.v.timer(c, 0, 86400, vs ? "using the checker default" : fallback).or(b.parent::delayBeforeRetry))
                .acted("warmup", inherited, model != null ? model : "warmup", (b, c) -> b.warmup =
                        b.v.timer(c, 0, 86400, vs ? "using delay_loop" : fallback).or(b.parent::warmup))
                .acted("delay_loop", inherited, vs ? "delayLoop" : model != null ? model : "delayLoop", (b, c) -> b.delayLoop =
                        b.v.timer(c, 0.000001, 86400, vs ? "using 60" : fallback).orElse(b.delayLoop));
        switch (level) {
            case REAL_SERVER -> t.acted("alpha", "", model, (b, c) -> b.alpha = b.v.bool(c).or(b.parent::alpha));
            case CHECKER -> t.notActed("alpha", "only `alpha` at real_server or virtual_server level is read", "alpha",
                    (b, c) -> b.alpha = b.v.bool(c).or(b.parent::alpha));
            case VIRTUAL_SERVER -> { }
        }
        return t;
    }
}
