package io.vigil.config;

import io.vigil.config.source.ConfigLoader;
import io.vigil.check.api.ConfigNode;
import io.vigil.check.api.SourceLocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Lexical features of keepalived.conf, observed through the ConfigNode tree they produce. */
class LexerTest {
    @TempDir Path dir;

    private final List<Diagnostic> diags = new ArrayList<>();

    private List<ConfigNode> tree(String text) { return tree(text, "main"); }

    private List<ConfigNode> tree(String text, String configId) {
        diags.clear();
        return ConfigLoader.parseTree("t.conf", text, dir, LoadOptions.defaults().withConfigId(configId), diags);
    }

    private static String show(List<ConfigNode> nodes) {
        var parts = new ArrayList<String>();
        for (ConfigNode n : nodes) parts.add(show(n));
        return String.join(" ", parts);
    }

    private static String show(ConfigNode n) {
        var sb = new StringBuilder(n.keyword());
        for (String a : n.args()) sb.append(' ').append(a);
        if (!n.children().isEmpty()) {
            sb.append(" {");
            for (ConfigNode c : n.children()) sb.append(' ').append(show(c)).append(';');
            sb.append(" }");
        }
        return sb.toString();
    }

    @Test void bangAndHashCommentsAnywhereOutsideQuotes() {
        var t = tree("! header\n# other\nrouter_id A # trailing\nauth_pass ab!cd\nscript \"x # not a comment\"\n");
        assertThat(show(t)).isEqualTo("router_id A auth_pass ab script x # not a comment");
        assertThat(diags).isEmpty();
    }

    @Test void braceOnSameLineNextLineAndOneLine() {
        String same = show(tree("vrrp_instance VI_1 {\n priority 100\n}\n"));
        String next = show(tree("vrrp_instance VI_1\n{\n priority 100\n}\n"));
        String one = show(tree("vrrp_instance VI_1 { priority 100 }\n"));
        assertThat(same).isEqualTo("vrrp_instance VI_1 { priority 100; }");
        assertThat(next).isEqualTo(same);
        assertThat(one).isEqualTo(same);
    }

    @Test void closingBraceFollowedByMoreStatements() {
        var t = tree("a {\n b 1\n} c {\n d\n}\n}e\n".replace("}e", "f"));
        assertThat(show(t)).isEqualTo("a { b 1; } c { d; } f");
    }

    @Test void nestedOneLineBlocks() {
        var t = tree("authentication { auth_type PASS } virtual_ipaddress { 192.0.2.1/24 dev eth0 }\n");
        assertThat(show(t)).isEqualTo("authentication { auth_type PASS; } virtual_ipaddress { 192.0.2.1/24 dev eth0; }");
    }

    @Test void locationsAreFileLineColumn() {
        var t = tree("global_defs {\n\trouter_id  X\n}\n");
        assertThat(t.getFirst().where()).isEqualTo(new SourceLocation("t.conf", 1, 1));
        ConfigNode rid = t.getFirst().children().getFirst();
        assertThat(rid.where()).isEqualTo(new SourceLocation("t.conf", 2, 2));
    }

    @Test void quotedStringsKeepSpacesAndJoinAdjacentText() {
        var t = tree("script \"/bin/check.sh  --x\" 'a b' abcd\" efg h \"mnop \"esc\\\"aped\\t\"\n");
        assertThat(t.getFirst().args()).containsExactly("/bin/check.sh  --x", "a b", "abcd efg h mnop", "esc\"aped\t");
        assertThat(tree("x \"{\" '}'\n").getFirst().args()).containsExactly("{", "}");
    }

    @Test void unterminatedQuoteIsAnErrorWithColumn() {
        tree("script \"/bin/x\n");
        assertThat(diags).extracting(Diagnostic::format)
                .containsExactly("t.conf:1:8: error: unterminated quoted string (missing \")");
    }

    @Test void multiLineListsKeepOneNodePerLine() {
        var t = tree("virtual_ipaddress {\n 192.0.2.1/24 dev eth0 label eth0:1\n 192.0.2.2\n}\n");
        assertThat(t.getFirst().children()).extracting(ConfigNode::keyword).containsExactly("192.0.2.1/24", "192.0.2.2");
        assertThat(t.getFirst().children().getFirst().args()).containsExactly("dev", "eth0", "label", "eth0:1");
        assertThat(t.getFirst().children().get(1).where().line()).isEqualTo(3);
    }

    @Test void conditionalLinesFollowConfigId() {
        String text = "@main router_id M\n@backup router_id B\n@^main peer notmain\n@^backup peer notbackup\nplain x\n";
        assertThat(show(tree(text, "main"))).isEqualTo("router_id M peer notbackup plain x");
        assertThat(show(tree(text, "backup"))).isEqualTo("router_id B peer notmain plain x");
        assertThat(show(tree(text, "other"))).isEqualTo("peer notmain peer notbackup plain x");
    }

    @Test void conditionalKeepsColumnOfTheStatement() {
        var t = tree("@main   router_id M\n", "main");
        assertThat(t.getFirst().where()).isEqualTo(new SourceLocation("t.conf", 1, 9));
    }

    @Test void parametersDollarAndBraces() {
        var t = tree("$BASE=10.2.${SUB}\n$SUB=0\nip ${BASE}.100/32\n$SUB=10\nip ${BASE}.100/32\n$P=240\npriority $P\nkeep $UNDEF ${UNDEF}\n");
        assertThat(show(t)).isEqualTo("ip 10.2.0.100/32 ip 10.2.10.100/32 priority 240 keep $UNDEF ${UNDEF}");
        assertThat(t.get(2).where().line()).isEqualTo(7);
    }

    @Test void dollarNameMustBeFollowedByWhitespace() {
        var t = tree("$P=1\nx $Px ${P}x\n");
        assertThat(t.getFirst().args()).containsExactly("$Px", "1x");
    }

    @Test void parameterWithConditional() {
        String text = "@main $PRIORITY=240\n@backup $PRIORITY=200\npriority $PRIORITY\n$IF_MAIN=@main\n$IF_MAIN extra 1\n";
        assertThat(show(tree(text, "main"))).isEqualTo("priority 240 extra 1");
        assertThat(show(tree(text, "backup"))).isEqualTo("priority 200");
    }

    @Test void multiLineParameterDefinitionsExpandToBlocks() {
        String text = """
                $INSTANCE= \\
                vrrp_instance VI_${NUM} { \\
                    virtual_router_id ${NUM} \\
                    @high priority 130 \\
                    @low priority 120 \\
                }
                $NUM=1
                $INSTANCE
                $NUM=2
                $INSTANCE
                """;
        var t = tree(text, "high");
        assertThat(show(t)).isEqualTo("vrrp_instance VI_1 { virtual_router_id 1; priority 130; } "
                + "vrrp_instance VI_2 { virtual_router_id 2; priority 130; }");
        assertThat(t.get(1).where().line()).isEqualTo(10);
        assertThat(diags).isEmpty();
    }

    @Test void nestedMultiLineParametersDefineInsideExpansion() {
        String text = """
                $RS= \\
                real_server 192.0.2.${RS_NUM} 80 { \\
                    weight 1 \\
                }
                $VS= \\
                virtual_server 10.0.0.1 80 { \\
                    $RS_NUM=1 \\
                    $RS \\
                    $RS_NUM=2 \\
                    $RS \\
                }
                $VS
                """;
        assertThat(show(tree(text))).isEqualTo(
                "virtual_server 10.0.0.1 80 { real_server 192.0.2.1 80 { weight 1; }; real_server 192.0.2.2 80 { weight 1; }; }");
    }

    @Test void predefinedParameters() {
        var t = tree("a ${_HASH}x ${_BANG}y ${_INSTANCE} ${_PWD}\n", "node7");
        assertThat(t.getFirst().args()).containsExactly("#x", "!y", "node7", dir.toString());
    }

    @Test void selfReferencingParameterStopsWithAnError() {
        tree("$A=x ${A}\ny $A\n");
        assertThat(diags).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Severity.ERROR);
            assertThat(d.message()).contains("nested more than");
            assertThat(d.where().line()).isEqualTo(2);
        });
    }

    @Test void seqExpansion() {
        assertThat(show(tree("~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n")))
                .isEqualTo("ip_address 10.0.0.1 ip_address 10.0.1.1 ip_address 10.0.2.1 ip_address 10.0.3.1");
        assertThat(show(tree("~SEQ(i, 3) x $i\n"))).isEqualTo("x 1 x 2 x 3");
        assertThat(show(tree("~SEQ(i, 5, -2, 1) x $i\n"))).isEqualTo("x 5 x 3 x 1");
        assertThat(show(tree("~SEQx(S, 0x90, 0x10, 0xc0) ip fe80::20:${S}:1\n")))
                .isEqualTo("ip fe80::20:90:1 ip fe80::20:a0:1 ip fe80::20:b0:1 ip fe80::20:c0:1");
        assertThat(show(tree("~SEQ(a, 1, 2) ~SEQ(b, 1, 2) p ${a}.${b}\n"))).isEqualTo("p 1.1 p 1.2 p 2.1 p 2.2");
        var t = tree("x\n~SEQ(i, 1, 2) y $i\n");
        assertThat(t.get(2).where().line()).isEqualTo(2);
    }

    @Test void seqInsideBlockAndListBlocks() {
        assertThat(show(tree("virtual_ipaddress {\n ~SEQ(n, 1, 2) 192.0.2.$n\n}\n")))
                .isEqualTo("virtual_ipaddress { 192.0.2.1; 192.0.2.2; }");
        assertThat(show(tree("~LST({IP, IP1}, {10,1},{20,4}) 192.168.${IP}.${IP1}\n")))
                .isEqualTo("192.168.10.1 192.168.20.4");
        assertThat(show(tree("~LST(X, a, b) v $X\n"))).isEqualTo("v a v b");
    }

    @Test void badSeqIsAnError() {
        tree("~SEQ(i, 1, 0, 3) x\n");
        assertThat(diags).extracting(Diagnostic::format).containsExactly(
                "t.conf:1:1: error: ~SEQ(i, 1, 0, 3) never reaches its end value");
        tree("~SEQ(i, a, 3) x\n");
        assertThat(diags).singleElement().extracting(Diagnostic::message).asString().contains("integers");
    }

    @Test void unbalancedBracesAreErrorsWithLocations() {
        tree("vrrp_instance VI_1 {\n priority 1\n");
        assertThat(diags).extracting(Diagnostic::format).containsExactly(
                "t.conf:1:20: error: '{' of 'vrrp_instance' (line 1) is never closed: missing '}'");
        tree("a {\n}\n}\n");
        assertThat(diags).extracting(Diagnostic::format).containsExactly("t.conf:3:1: error: extra '}' with no block open");
        tree("{\n}\n");
        assertThat(diags).extracting(Diagnostic::format).containsExactly("t.conf:1:1: error: '{' without a keyword before it");
    }

    @Test void crlfLineEndings() {
        var t = tree("a {\r\n b 1\r\n}\r\n");
        assertThat(show(t)).isEqualTo("a { b 1; }");
    }
}
