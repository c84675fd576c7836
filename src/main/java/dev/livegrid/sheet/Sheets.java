package dev.livegrid.sheet;

import java.util.List;
import java.util.Map;

/** Sheets LiveGrid creates by itself. */
public final class Sheets {

    public static final String DEMO = "demo";

    private Sheets() {
    }

    /** The {@code demo} sheet at version 0: the seed's table of five columns and three people. */
    public static Snapshot demo() {
        List<Column> columns = List.of(new Column("name", "名称"), new Column("age", "年龄"),
                new Column("gender", "性别"), new Column("hobby", "爱好"), new Column("skill", "技能"));
        List<Row> rows = List.of(
                person("seed1", "小明", "18", "男", "跑步", "跳马"),
                person("seed2", "小花", "17", "女", "唱歌", "跳绳"),
                person("seed3", "小小", "16", "女", null, null));
        return new Snapshot(DEMO, Snapshot.LEGACY_INCARNATION, 0, columns, rows);
    }

    /** An empty sheet at version 0 (the registry gives a created sheet its own incarnation). */
    public static Snapshot empty(String id) {
        return new Snapshot(id, Snapshot.LEGACY_INCARNATION, 0, List.of(), List.of());
    }

    private static Row person(String id, String name, String age, String gender, String hobby, String skill) {
        Map<String, Cell> cells = new java.util.LinkedHashMap<>();
        cells.put("name", new Cell(name, 0));
        cells.put("age", new Cell(age, 0));
        cells.put("gender", new Cell(gender, 0));
        if (hobby != null) {
            cells.put("hobby", new Cell(hobby, 0));
        }
        if (skill != null) {
            cells.put("skill", new Cell(skill, 0));
        }
        return new Row(id, cells);
    }
}
