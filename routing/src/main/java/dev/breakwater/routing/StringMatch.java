package dev.breakwater.routing;

/** How a header or query-parameter value is compared. */
public enum StringMatch {
    /** Equal, case-sensitively. */
    EXACT,
    /** The whole value matches a Java regular expression. */
    REGULAR_EXPRESSION
}
