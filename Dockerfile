# The landfall landing job as a Dataflow Flex Template image.
# Built by scripts/build_template.sh with Cloud Build after `mvn package`
# (no local Docker needed); checked statically by DockerfileTest.
#
# Google's Java 17 template launcher base: its launcher reads the two
# FLEX_TEMPLATE_* variables below, runs main() to build the job graph and
# submits it to Dataflow. Pinned to a reviewed release (the tag Google marks
# "latest" in https://docs.cloud.google.com/dataflow/docs/reference/flex-templates-launcher-images),
# so a rebuild never picks up an unreviewed launcher; bump it deliberately.
ARG LAUNCHER_IMAGE=gcr.io/dataflow-templates-base/java17-template-launcher-base:20260122_RC00
FROM ${LAUNCHER_IMAGE}

ARG TEMPLATE_DIR=/template
WORKDIR ${TEMPLATE_DIR}

# One shaded jar is the whole classpath (see the shade plugin in pom.xml).
COPY target/landfall-bundled.jar ${TEMPLATE_DIR}/landfall-bundled.jar
COPY metadata.json ${TEMPLATE_DIR}/metadata.json

ENV FLEX_TEMPLATE_JAVA_MAIN_CLASS="dev.landfall.landing.LandingPipeline"
ENV FLEX_TEMPLATE_JAVA_CLASSPATH="${TEMPLATE_DIR}/landfall-bundled.jar"

ENTRYPOINT ["/opt/google/dataflow/java_template_launcher"]
