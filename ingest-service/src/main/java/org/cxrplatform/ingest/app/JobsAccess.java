package org.cxrplatform.ingest.app;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks the backlog job endpoints: {@link JobsAccessFilter} admits only callers with a {@code cxr.ingest.jobs.roles} token. */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface JobsAccess {}
