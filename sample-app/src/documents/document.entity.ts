import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('documents')
export class DocumentEntity {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column()
  title!: string;

  @Column('text')
  content!: string;

  /** pgvector `vector(384)`, written as its text form '[0.1,0.2,...]'; null until embedded. */
  @Column({ type: 'text', nullable: true, select: false, insert: false, update: false })
  embedding?: string | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt!: Date;
}
