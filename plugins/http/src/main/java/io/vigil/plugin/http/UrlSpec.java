package io.vigil.plugin.http;

import io.vigil.check.api.CheckConfigException;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.ConfigValues;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code url { }} block of HTTP_GET/SSL_GET. The page passes when its status is accepted, its body's MD5
 * equals {@code digest} (if set) and {@code regex} is found in the body (or not found, with
 * {@code regex_no_match}).
 */
public record UrlSpec(String path, Optional<String> digest, StatusCodes status, Optional<String> virtualhost,
                      Optional<Pattern> regex, boolean regexNoMatch) {

    static final Set<String> KEYWORDS = Set.of("path", "digest", "status_code", "virtualhost", "regex", "regex_no_match");

    public static UrlSpec parse(ConfigNode url) throws CheckConfigException {
        for (ConfigNode c : url.children()) {
            if (!KEYWORDS.contains(c.keyword())) {
                throw new CheckConfigException(c.where(), "unknown keyword '" + c.keyword() + "' in url");
            }
        }
        String path = ConfigValues.arg(ConfigValues.required(url, "path"));
        if (!path.startsWith("/")) path = "/" + path;
        Optional<String> digest = Optional.empty();
        Optional<ConfigNode> d = url.child("digest");
        if (d.isPresent()) {
            String hex = ConfigValues.arg(d.get()).toLowerCase(java.util.Locale.ROOT);
            if (hex.length() != 32 || !hex.chars().allMatch(HexFormat::isHexDigit)) {
                throw new CheckConfigException(d.get().where(), "digest: '" + hex + "' is not an MD5 hex digest (32 hex digits)");
            }
            digest = Optional.of(hex);
        }
        StatusCodes status = url.child("status_code").isPresent() ? StatusCodes.parse(url.child("status_code").get()) : StatusCodes.DEFAULT;
        Optional<Pattern> regex = Optional.empty();
        Optional<ConfigNode> r = url.child("regex");
        if (r.isPresent()) {
            try {
                regex = Optional.of(Pattern.compile(ConfigValues.joinedArgs(r.get())));
            } catch (PatternSyntaxException e) {
                throw new CheckConfigException(r.get().where(), "regex: " + e.getDescription());
            }
        }
        return new UrlSpec(path, digest, status, url.value("virtualhost"), regex, url.child("regex_no_match").isPresent());
    }
}
