/**
 * {@code GET /health}, {@code /health/live} and {@code /health/ready}: whether this LiveGrid can serve
 * (its store answers, no commit is stuck), for load balancers, orchestrators and operators, on every
 * runtime.
 */
package dev.livegrid.health;
