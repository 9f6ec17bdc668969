/**
 * HTTP/1.1 heads as bytes: header lines read in place over the bytes they arrived in ({@link
 * dev.breakwater.dataplane.http1.HeaderLines}) and Netty's {@code HttpHeaders} seen over them with an edit overlay
 * ({@link dev.breakwater.dataplane.http1.LineHeaders}), so that what the proxy forwards unchanged is written as it
 * came. Shared by the endpoint side ({@code backend}, which reads such heads) and the client side ({@code
 * frontend}, which writes them); depends on Netty only.
 */
package dev.breakwater.dataplane.http1;
