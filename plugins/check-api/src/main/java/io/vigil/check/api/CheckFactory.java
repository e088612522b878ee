package io.vigil.check.api;

import java.util.Set;
import org.pf4j.ExtensionPoint;

/**
 * The extension point a check plugin implements: it claims one or more keepalived.conf checker block
 * keywords ({@code HTTP_GET}, {@code MYSQL_CHECK}, ...) and turns each such block into a {@link Check}.
 *
 * <p>Vigil calls {@link #create} once per block when the configuration is loaded (and again on reload);
 * the returned check is then run every {@code delay_loop} (or vrrp_script {@code interval}) by the host.
 * Keywords that apply to every checker — {@link CommonKeywords#HOST_HANDLED} such as
 * {@code connect_timeout}, {@code retry}, {@code delay_before_retry}, {@code connect_ip} — are handled by the
 * host; a factory must accept them silently and must not act on them itself.
 *
 * <p>Annotate the implementation with {@code @org.pf4j.Extension}; PF4J's annotation processor lists it in
 * {@code META-INF/extensions.idx}.
 */
public interface CheckFactory extends ExtensionPoint {

    /** The block keywords this factory builds checks for, exactly as written in keepalived.conf. */
    Set<String> keywords();

    /**
     * Validates {@code block} (whose {@link ConfigNode#keyword()} is one of {@link #keywords()}) and builds
     * a check from it. Called on the configuration thread; must not do I/O.
     *
     * @throws CheckConfigException naming the offending statement's {@link SourceLocation} when the block
     *         is invalid (unknown keyword, bad value, missing required statement)
     */
    Check create(ConfigNode block) throws CheckConfigException;
}
