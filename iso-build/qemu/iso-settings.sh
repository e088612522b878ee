# The appliance ISO's build settings, sourced by mk-iso.sh and by lab-guest.sh (the lab in a qemu guest): the same
# kernel modules, JRE modules and tools, so both use one cached base archive (mk-base-initramfs.sh).
# what vigil.jar and its libraries need (jdeps), plus jdk.compiler for Chronicle Queue's runtime compilation
export VIGIL_JRE_EXTRA_MODULES=java.compiler,java.desktop,java.naming,java.net.http,java.sql,jdk.jfr,jdk.management,jdk.compiler,java.security.sasl,java.transaction.xa,jdk.zipfs
# macvlan: the lab-client role (appliance/lab-client.sh) puts its namespaces on eth0 with it
export VIGIL_EXTRA_MODS="virtio_net virtio_pci e1000 isofs sr_mod cdrom virtio_blk ext4 macvlan"
# mke2fs (ext4 with a journal) prepares a blank data disk; busybox's makes only ext2
export VIGIL_EXTRA_BINS=/usr/sbin/mke2fs
