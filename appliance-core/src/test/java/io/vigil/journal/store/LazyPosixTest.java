package io.vigil.journal.store;

import net.openhft.posix.MSyncFlag;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

class LazyPosixTest {
    @TempDir Path dir;

    /** The journal's msync, as Chronicle's MappedBytesStore calls it: by the downcall, and through JNR when it fails. */
    @Test void msyncSyncsAMappingAndReportsErrnoThroughTheRealOne() throws Exception {
        PosixAPI posix = LazyPosix.create();
        try (var ch = FileChannel.open(dir.resolve("m"), StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            var seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192, arena);
            seg.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 42L);
            assertThat(posix.msync(seg.address(), 8192, MSyncFlag.MS_SYNC)).isZero();
            assertThat(posix.msync(seg.address(), 8192, MSyncFlag.MS_ASYNC.value())).isZero();
            assertThat(LazyPosix.built(posix)).as("no JNR for a good msync").isFalse();
            // not page-aligned: EINVAL, and the error Chronicle logs comes from the real (JNR) one's errno
            assertThat(posix.msync(seg.address() + 1, 8192, MSyncFlag.MS_SYNC)).isNotZero();
            assertThat(posix.lastError()).isEqualTo(22);
            assertThat(LazyPosix.built(posix)).isTrue();
        }
    }
}
