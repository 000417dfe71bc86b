package org.sdmstream.cli.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.sdmstream.cli.kafka.KnownRecords;
import org.sdmstream.wire.WireFormat;
import org.sdmstream.wire.WireFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class WireFormatOptionsTest {

    @Command(name = "probe")
    static final class Probe {
        @Mixin WireFormatOptions wire;
    }

    static WireFormatOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.wire;
    }

    @Test
    void singleObjectByDefaultAndRegistryOnlyWithAUrl() {
        assertThat(parse().settings().format()).isEqualTo(WireFormat.SINGLE_OBJECT);
        assertThat(
                        parse(
                                        "--wire-format",
                                        "registry",
                                        "--registry-url",
                                        "http://localhost:8081")
                                .settings()
                                .registryUrl())
                .isEqualTo("http://localhost:8081");
        assertThatThrownBy(() -> parse("--wire-format", "registry").settings())
                .hasMessageContaining("registry URL");
        assertThatThrownBy(() -> parse("--wire-format", "protobuf"))
                .isInstanceOf(CommandLine.ParameterException.class);
    }

    @Test
    void tailInTheRegistryFormatRefusesASingleObjectPayloadWithoutAskingTheRegistry() {
        KnownRecords records =
                new KnownRecords(
                        parse("--wire-format", "registry", "--registry-url", "http://127.0.0.1:9")
                                .settings());
        assertThatThrownBy(
                        () ->
                                records.decode(
                                        new byte[] {(byte) 0xC3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2}))
                .isInstanceOfSatisfying(
                        WireFormatException.class,
                        e ->
                                assertThat(e.kind())
                                        .isEqualTo(WireFormatException.Kind.NOT_REGISTRY_FRAMED));
    }
}
