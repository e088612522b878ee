package io.vigil.plugin.protocols;

import io.vigil.check.api.Check;
import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.CheckFactory;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;

/**
 * keepalived's FILE_CHECK: {@code track_file NAME} names a top-level {@code track_file NAME { file PATH; weight N
 * [reverse] }}; the host resolves it and hands the definition in as the {@code track_file} statement's block, and
 * adds the real server's configured weight as {@value #RS_WEIGHT}. The file holds an integer (a missing or empty
 * file reads 0). With weight 0 a non-zero value (a zero one with {@code reverse}) puts the real server down;
 * otherwise value × weight (negated by reverse) is added to the real server's weight (clamped at 0). The
 * FILE_CHECK's own {@code weight N [reverse]} overrides the track_file's.
 */
@Extension
public final class FileCheckFactory implements CheckFactory {
    /** Added by the host (CheckPlanner): the real server's configured weight, the base the file's value adjusts. */
    public static final String RS_WEIGHT = "@real_server_weight";

    @Override public Set<String> keywords() { return Set.of("FILE_CHECK"); }

    @Override public Check create(ConfigNode block) throws CheckConfigException {
        ConfigValues.rejectUnknown(block, Set.of("track_file", "weight", "dynamic", RS_WEIGHT));
        ConfigNode tf = ConfigValues.required(block, "track_file");
        String name = ConfigValues.arg(tf);
        if (!tf.hasBlock()) {
            throw new CheckConfigException(tf.where(), "FILE_CHECK: track_file " + name + " not found (no top-level track_file "
                    + name + " { file PATH } block)");
        }
        ConfigNode file = ConfigValues.required(tf, "file");
        int weight = 1;
        boolean reverse = false;
        Optional<ConfigNode> w = block.child("weight").or(() -> tf.child("weight"));
        if (w.isPresent()) {
            weight = ConfigValues.integer(w.get(), -Integer.MAX_VALUE, Integer.MAX_VALUE);
            if (w.get().args().size() > 1) {
                switch (w.get().args().get(1)) {
                    case "reverse" -> reverse = true;
                    case "noreverse" -> reverse = false;
                    default -> throw new CheckConfigException(w.get().where(), "weight: unknown option '" + w.get().args().get(1)
                            + "' (reverse or noreverse)");
                }
            }
        }
        int base = block.child(RS_WEIGHT).isPresent() ? ConfigValues.integer(block.child(RS_WEIGHT).get(), 0, Integer.MAX_VALUE) : 1;
        return new FileCheck(name, Path.of(ConfigValues.arg(file)), weight, reverse, base);
    }
}
