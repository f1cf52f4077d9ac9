package dev.landfall.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectOrderTest {

  @Test
  void sort_aDescriptionNamingAnotherObjectIsNoReference() {
    Deployer.Planned view =
        planned(
            "v.sql",
            "CREATE OR REPLACE VIEW `s.typed` OPTIONS (description = 'Used by CALL s.unpack().')"
                + " AS SELECT 1 AS x");
    Deployer.Planned procedure =
        planned("p.sql", "CREATE OR REPLACE PROCEDURE `s.unpack`() BEGIN SELECT * FROM `s.typed`; END");

    assertEquals(List.of(view, procedure), ObjectOrder.sort(List.of(procedure, view)));
  }

  @Test
  void sort_realCycleFailsNamingBoth() {
    Deployer.Planned a = planned("a.sql", "CREATE OR REPLACE VIEW `s.a` AS SELECT * FROM `s.b`");
    Deployer.Planned b = planned("b.sql", "CREATE OR REPLACE VIEW `s.b` AS SELECT * FROM s.a");

    DeployException e = assertThrows(DeployException.class, () -> ObjectOrder.sort(List.of(a, b)));

    assertEquals("objects name each other in a cycle: [a.sql, b.sql]", e.getMessage());
  }

  private static Deployer.Planned planned(String name, String sql) {
    RoutineFile file = RoutineFile.parse(Path.of(name), name, "s", sql);
    return new Deployer.Planned(file, sql, RoutineFile.objectName(sql));
  }
}
