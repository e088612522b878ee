package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.journal.Event;
import org.junit.jupiter.api.Test;

/** {@code vigil run --journal-note TEXT}: what the appliance's init says about its storage becomes an operator-action. */
class RunCommandNoteTest {
    @Test void aLeadingActionNameNamesTheAction() {
        assertThat(RunCommand.note("storage: journal in RAM only: no disk with LABEL=VIGIL-DATA; history is lost at power-off"))
                .isEqualTo(new Event.OperatorAction("boot", "storage", "journal in RAM only: no disk with LABEL=VIGIL-DATA; history is lost at power-off"));
    }

    @Test void otherTextIsANote() {
        assertThat(RunCommand.note("Rack 4: replaced the PSU")).isEqualTo(new Event.OperatorAction("boot", "note", "Rack 4: replaced the PSU"));
        assertThat(RunCommand.note("plain")).isEqualTo(new Event.OperatorAction("boot", "note", "plain"));
        assertThat(RunCommand.note(": empty name")).isEqualTo(new Event.OperatorAction("boot", "note", ": empty name"));
    }
}
