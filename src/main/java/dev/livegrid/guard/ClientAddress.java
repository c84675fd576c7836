package dev.livegrid.guard;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * The client a per-address limit counts, from the address a connection comes from: an IPv4 address
 * as is ({@code 203.0.113.7}); an IPv6 address by its /64 network ({@code 2001:db8:0:1:0:0:0:0/64}),
 * because one host is usually given a whole /64 and can pick a new address in it for every
 * connection. Everyone behind one NAT or proxy is one client.
 */
public final class ClientAddress {

    /** The key of a connection whose address is not known: all of them count as one client. */
    public static final String UNKNOWN = "unknown";
    private static final int IPV6_NETWORK_BYTES = 8;

    private ClientAddress() {
    }

    /** The client {@code address} counts as. */
    public static String of(InetAddress address) {
        if (address == null) {
            return UNKNOWN;
        }
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] network = Arrays.copyOf(Arrays.copyOf(address.getAddress(), IPV6_NETWORK_BYTES), 16);
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are an IPv6 address", e);
        }
    }

    /**
     * The client a textual IP address as servers report it ({@code getRemoteAddr()}: {@code 127.0.0.1},
     * {@code 0:0:0:0:0:0:0:1}, {@code [::1]}, {@code fe80::1%eth0}) counts as; anything that is not an
     * IP literal is kept as it is, and null or blank is {@link #UNKNOWN}. Never looks a name up.
     */
    public static String of(String address) {
        if (address == null || address.isBlank()) {
            return UNKNOWN;
        }
        String literal = address.trim();
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        try {
            if (literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                return of(InetAddress.getByAddress(ipv4(literal)));
            }
            int zone = literal.indexOf('%');
            String bare = zone < 0 ? literal : literal.substring(0, zone);
            if (bare.contains(":") && bare.matches("[0-9A-Fa-f:.]{2,45}")) {
                return of(InetAddress.getByName(bare)); // with a colon only ever parsed as a literal, never looked up
            }
        } catch (UnknownHostException | IllegalArgumentException e) {
            // not a literal after all
        }
        return literal;
    }

    private static byte[] ipv4(String dotted) throws UnknownHostException {
        String[] parts = dotted.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int part = Integer.parseInt(parts[i]);
            if (part > 255) {
                throw new UnknownHostException(dotted);
            }
            bytes[i] = (byte) part;
        }
        return bytes;
    }
}
