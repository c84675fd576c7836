package dev.livegrid.guard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientAddressTest {

    @ParameterizedTest(name = "{0} counts as {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|127.0.0.1",
            "203.0.113.7|203.0.113.7",
            "2001:db8:1:2:3:4:5:6|2001:db8:1:2:0:0:0:0/64",
            "2001:db8:1:2::ffff|2001:db8:1:2:0:0:0:0/64",
            "[2001:db8:1:2::1]|2001:db8:1:2:0:0:0:0/64",
            "fe80::1%eth0|fe80:0:0:0:0:0:0:0/64",
            "0:0:0:0:0:0:0:1|0:0:0:0:0:0:0:0/64",
            "::ffff:198.51.100.4|198.51.100.4",
            "999.1.1.1|999.1.1.1",
            "proxy.example|proxy.example",
    })
    void addressesAreCountedByHostForIpv4AndByNetworkForIpv6(String address, String client) {
        assertEquals(client, ClientAddress.of(address));
    }

    @Test
    void anUnknownAddressIsOneClient() {
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.of((String) null));
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.of(""));
        assertEquals(ClientAddress.UNKNOWN, ClientAddress.of((InetAddress) null));
    }

    @Test
    void anAddressAndItsTextCountAlike() throws Exception {
        assertEquals(ClientAddress.of("2001:db8::42"), ClientAddress.of(InetAddress.getByName("2001:db8::42")));
        assertEquals("10.1.2.3", ClientAddress.of(InetAddress.getByName("10.1.2.3")));
    }
}
