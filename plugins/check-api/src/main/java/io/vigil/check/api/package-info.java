/** The PF4J extension points through which plugins contribute health checks. */
package io.vigil.check.api;
