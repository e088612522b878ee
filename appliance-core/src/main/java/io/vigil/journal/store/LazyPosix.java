package io.vigil.journal.store;

import net.openhft.posix.MSyncFlag;
import net.openhft.posix.PosixAPI;
import net.openhft.posix.internal.PosixAPIHolder;
import net.openhft.posix.internal.jnr.JNRPosixAPI;
import net.openhft.posix.internal.noop.NoOpPosixAPI;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * Chronicle's POSIX layer, built on its first real call instead of when Chronicle's {@code Jvm} class initialises.
 * {@code Jvm}'s initialiser asks for {@code PosixAPI.posix()} only to have it ready; building it makes JNR generate
 * native stubs (ASM, ~600 classes, ~0.2 s of CPU on a 2-core box), on {@code vigil run}'s path to its first
 * advert. The journal uses it for msync only (SyncMode.SYNC), after it is open: that call goes straight to msync(2)
 * ({@link Msync}); any other, or an msync that fails (for Chronicle's error text), builds the real one, the same
 * object Chronicle would have built (JNR's, or its no-op one if JNR fails), then installed in Chronicle's holder.
 */
public final class LazyPosix implements InvocationHandler {
    private PosixAPI real;

    private LazyPosix() { }

    /** Installs the lazy one unless Chronicle's POSIX layer was built already. Idempotent. */
    public static synchronized void install() {
        if (PosixAPIHolder.POSIX_API != null) return;
        PosixAPIHolder.POSIX_API = create();
    }

    /** A lazy one, not installed (tests). */
    static PosixAPI create() {
        return (PosixAPI) Proxy.newProxyInstance(PosixAPI.class.getClassLoader(), new Class<?>[] {PosixAPI.class}, new LazyPosix());
    }

    /** Whether {@code lazy} (from {@link #create}) built the real one yet (tests). */
    static boolean built(PosixAPI lazy) {
        var h = (LazyPosix) Proxy.getInvocationHandler(lazy);
        synchronized (h) { return h.real != null; }
    }

    private synchronized PosixAPI real() {
        if (real == null) {
            PosixAPI built;
            try {
                built = new JNRPosixAPI();                  // as PosixAPIHolder.loadPosixApi does on Unix
            } catch (Throwable t) {
                built = new NoOpPosixAPI(t.toString());
            }
            real = built;
            synchronized (LazyPosix.class) { PosixAPIHolder.POSIX_API = built; }
        }
        return real;
    }

    @Override public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        if (m.getDeclaringClass() == Object.class) {
            return switch (m.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "LazyPosix";
            };
        }
        if (m.getName().equals("msync") && args.length == 3) {
            int flags = args[2] instanceof MSyncFlag f ? f.value() : (Integer) args[2];
            int r = Msync.call((Long) args[0], (Long) args[1], flags);
            if (r == 0) return 0;   // else again through JNR, whose errno Chronicle then reads for its message
        }
        try {
            return m.invoke(real(), args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /**
     * msync(2) by a downcall of its own: the journal's one POSIX call, and its writer makes it right after the first
     * entry (SYNC_BATCH), while VRRP starts; through JNR that first call would build JNR's stubs then.
     */
    private static final class Msync {
        private static final MethodHandle MSYNC = handle();

        private static MethodHandle handle() {
            try {
                Linker linker = Linker.nativeLinker();
                return linker.downcallHandle(linker.defaultLookup().find("msync").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
            } catch (Throwable t) {
                return null;    // then JNR's
            }
        }

        /** msync's result, or -1 when it failed or could not be called here. */
        static int call(long address, long length, int flags) {
            if (MSYNC == null) return -1;
            try {
                return (int) MSYNC.invokeExact(address, length, flags);
            } catch (Throwable t) {
                return -1;
            }
        }
    }
}
