package io.vigil.config;

import io.vigil.check.api.SourceLocation;

import java.util.Optional;

/**
 * One line of a track_script / track_interface / track_file block: {@code NAME [weight N [reverse]]}. An absent
 * weight means the tracked object's own weight (vrrp_script's weight, or 0 for an interface: fault on down).
 */
public record TrackRef(String name, Optional<Integer> weight, boolean reverse, SourceLocation where) {}
