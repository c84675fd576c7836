package dev.livegrid.access;

/** The user a Jakarta EE server authenticated ({@code auth=container}): its principal name and roles. */
public interface ContainerUser {

    /** The container's roles LiveGrid reads, server-wide, highest first. */
    String ADMIN = "livegrid-admin";
    String OWNER = "livegrid-owner";
    String EDITOR = "livegrid-editor";
    String VIEWER = "livegrid-viewer";

    String name();

    boolean isInRole(String role);
}
